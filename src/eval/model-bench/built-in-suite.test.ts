import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BenchSuiteItem } from './bench-suite-item.js';
import { loadBenchSuite } from './load-bench-suite.js';
import { scoreAnswer } from './score-answer.js';

const SUITE = fileURLToPath(new URL('../../../data/bench/suite.jsonl', import.meta.url));

/** The reference written the way a model following the item's instructions would answer. */
function referenceAsAnswer(item: BenchSuiteItem): string {
  switch (item.scorer.type) {
    case 'code':
      return `Here it is:\n\`\`\`${item.scorer.language}\n${item.reference}\n\`\`\``;
    case 'numeric':
    case 'normalized':
    case 'choice':
      return `Reasoning omitted.\nAnswer: ${item.reference}`;
    default:
      return item.reference;
  }
}

describe('built-in suite', async () => {
  const items = await loadBenchSuite(SUITE);

  it('has at least 60 items over the six task types with unique ids', () => {
    expect(items.length).toBeGreaterThanOrEqual(60);
    const tasks = new Set(items.map((item) => item.task));
    for (const task of ['coding', 'math', 'reasoning', 'knowledge', 'summarization', 'extraction']) expect(tasks).toContain(task);
  });

  it('scores every reference answer as right', async () => {
    const wrongs: string[] = [];
    for (const item of items) {
      if (item.scorer.type === 'judge') continue;
      const verdict = await scoreAnswer(item, referenceAsAnswer(item));
      if (verdict.score !== 1) wrongs.push(`${item.id}: ${verdict.detail}`);
    }
    expect(wrongs).toEqual([]);
  });

  it('scores an evasive answer as wrong on every item a scorer can grade alone', async () => {
    const rights: string[] = [];
    for (const item of items) {
      if (item.scorer.type === 'judge') continue;
      const verdict = await scoreAnswer(item, 'I am not sure about this one.');
      if (verdict.score !== 0) rights.push(`${item.id}: ${verdict.detail}`);
    }
    expect(rights).toEqual([]);
  });
});
