import { describe, expect, it } from 'vitest';
import type { BenchSuiteItem, ScorerSpec } from './bench-suite-item.js';
import { scoreAnswer } from './score-answer.js';
import { chosenLetter } from './score-choice.js';
import { lastNumber } from './parse-number.js';
import { finalAnswerText } from './final-answer-text.js';
import { extractCodeBlock } from './extract-code-block.js';

const item = (scorer: ScorerSpec, reference: string, prompt = 'question'): BenchSuiteItem => ({ id: 't', task: 'knowledge', prompt, reference, scorer });
const score = async (scorer: ScorerSpec, reference: string, answer: string): Promise<number | null> => (await scoreAnswer(item(scorer, reference), answer)).score;

describe('exact', () => {
  it('accepts the reference with surrounding whitespace only', async () => {
    expect(await score({ type: 'exact' }, 'Paris', '  Paris\n')).toBe(1);
    expect(await score({ type: 'exact' }, 'Paris', 'paris')).toBe(0);
    expect(await score({ type: 'exact' }, 'Paris', 'Paris, France')).toBe(0);
  });
});

describe('normalized', () => {
  it('ignores case, punctuation and articles', async () => {
    expect(await score({ type: 'normalized' }, 'Pacific Ocean', 'The Pacific ocean.')).toBe(1);
    expect(await score({ type: 'normalized' }, 'Pacific Ocean', 'Answer: the pacific ocean')).toBe(1);
    expect(await score({ type: 'normalized' }, 'Pacific Ocean', 'The Atlantic Ocean.')).toBe(0);
  });
  it('accepts listed alternatives and, with contains, whole words only', async () => {
    expect(await score({ type: 'normalized', accept: ['H2O'] }, 'water', 'H2O')).toBe(1);
    expect(await score({ type: 'normalized', contains: true }, 'Canberra', 'It is Canberra, not Sydney.')).toBe(1);
    expect(await score({ type: 'normalized', contains: true }, 'Rome', 'It is Romeo.')).toBe(0);
  });
});

describe('numeric', () => {
  it('reads the final number, with separators, fractions and tolerance', async () => {
    expect(await score({ type: 'numeric' }, '1234.5', 'First 12, then... Answer: 1,234.5')).toBe(1);
    expect(await score({ type: 'numeric' }, '0.75', 'The share is 3/4')).toBe(1);
    expect(await score({ type: 'numeric', absTolerance: 0.001 }, '3.14159', 'about 3.14')).toBe(0);
    expect(await score({ type: 'numeric', absTolerance: 0.001 }, '3.14159', 'about 3.142')).toBe(1);
    expect(await score({ type: 'numeric' }, '42', 'Answer: 41')).toBe(0);
    expect(await score({ type: 'numeric' }, '42', 'no idea')).toBe(0);
  });
  it('prefers the number after the answer marker over later numbers', async () => {
    expect(await score({ type: 'numeric' }, '-7', 'Answer: -7\nChecked in 2 steps.')).toBe(1);
    expect(lastNumber('x = -2e-3')).toBeCloseTo(-0.002);
  });
});

describe('regex', () => {
  it('matches the pattern with its flags', async () => {
    expect(await score({ type: 'regex', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, '', '2024-02-29')).toBe(1);
    expect(await score({ type: 'regex', pattern: 'o\\(n log n\\)', flags: 'i' }, '', 'It runs in O(n log n).')).toBe(1);
    expect(await score({ type: 'regex', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, '', 'Feb 29, 2024')).toBe(0);
  });
});

describe('choice', () => {
  it('finds the chosen letter in the usual forms', async () => {
    expect(await score({ type: 'choice' }, 'B', 'Answer: B')).toBe(1);
    expect(await score({ type: 'choice' }, 'B', '(B) because the others fail')).toBe(1);
    expect(await score({ type: 'choice' }, 'B', 'C. It is the largest.')).toBe(0);
    expect(await score({ type: 'choice' }, 'B', 'I cannot decide.')).toBe(0);
    expect(chosenLetter('The answer is d', 'ABCD')).toBe('D');
  });
});

describe('json-fields', () => {
  const reference = JSON.stringify({ name: 'Ada Lovelace', year: 1843, tags: ['math', 'computing'] });
  it('gives the share of fields right', async () => {
    expect(await score({ type: 'json-fields' }, reference, 'Here: {"name":"ada lovelace","year":1843,"tags":["computing","math"]}')).toBe(1);
    expect(await score({ type: 'json-fields' }, reference, '```json\n{"name":"Ada Lovelace","year":1842,"tags":["math"]}\n```')).toBeCloseTo(1 / 3);
    expect(await score({ type: 'json-fields' }, reference, 'name: Ada Lovelace')).toBe(0);
  });
});

describe('code', () => {
  const tests = 'assert add(2, 3) == 5\nassert add(-1, 1) == 0';
  it('passes a right Python solution and fails a wrong one', async () => {
    expect(await score({ type: 'code', language: 'python', tests }, '', 'Sure:\n```python\ndef add(a, b):\n    return a + b\n```')).toBe(1);
    expect(await score({ type: 'code', language: 'python', tests }, '', '```python\ndef add(a, b):\n    return a - b\n```')).toBe(0);
  });
  it('runs JavaScript and stops a program that never ends', async () => {
    const jsTests = "import assert from 'node:assert/strict';\nassert.equal(twice(4), 8);";
    expect(await score({ type: 'code', language: 'javascript', tests: jsTests }, '', '```js\nfunction twice(x) { return 2 * x; }\n```')).toBe(1);
    const result = await scoreAnswer(item({ type: 'code', language: 'javascript', tests: jsTests, timeoutMs: 500 }, ''), '```js\nwhile (true) {}\n```');
    expect(result).toEqual({ score: 0, detail: 'timed out' });
  });
  it('takes the block in the asked language', () => {
    expect(extractCodeBlock('```bash\nls\n```\n```py\nx = 1\n```', 'python')).toBe('x = 1\n');
  });
});

describe('judge', () => {
  it('turns the judge grade into a score and says when there is no judge', async () => {
    const right = await scoreAnswer(item({ type: 'judge' }, 'Because of Rayleigh scattering.', 'Why is the sky blue?'), 'Rayleigh scattering', async (prompt) => {
      expect(prompt).toContain('Rayleigh scattering');
      return 'SCORE: 9\nCorrect.';
    });
    expect(right.score).toBeCloseTo(0.9);
    const wrong = await scoreAnswer(item({ type: 'judge' }, 'x', 'q'), 'y', async () => 'SCORE: 0/10 wrong');
    expect(wrong.score).toBe(0);
    expect((await scoreAnswer(item({ type: 'judge' }, 'x'), 'y')).score).toBeNull();
    expect((await scoreAnswer(item({ type: 'judge' }, 'x'), 'y', async () => 'looks fine')).score).toBeNull();
  });
});

describe('finalAnswerText', () => {
  it('takes the line after the last marker', () => {
    expect(finalAnswerText('Work: 2+2\nAnswer: 4\nthanks')).toBe('4');
    expect(finalAnswerText('Final answer:\n\n Paris')).toBe('Paris');
    expect(finalAnswerText('plain')).toBe('plain');
  });
});
