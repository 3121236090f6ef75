import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchSuiteItem } from './bench-suite-item.js';
import { benchQualityProfile, formatQualityProfile } from './bench-quality-profile.js';
import { renderBenchHtml } from './render-bench-html.js';
import { runModelBench } from './run-model-bench.js';
import { summarizeModelBench } from './summarize-model-bench.js';
import { toCsv } from './to-csv.js';

/** A gateway stand-in: "good" answers 42 and Paris, "bad" answers 41, "broken" fails with a 503. */
let server: Server;
let url: string;
const seen: Array<{ model: string; stream: boolean; includeUsage: boolean }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (part: Buffer) => (raw += part.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw) as { model: string; stream?: boolean; stream_options?: { include_usage?: boolean }; messages: Array<{ content: string }> };
      seen.push({ model: body.model, stream: body.stream === true, includeUsage: body.stream_options?.include_usage === true });
      if (body.model === 'broken') {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"message":"no capacity","type":"server_error"}}');
        return;
      }
      const question = body.messages.at(-1)?.content ?? '';
      const text = question.includes('capital') ? 'The capital is Paris.\nAnswer: Paris' : `Working...\nAnswer: ${body.model === 'good' ? 42 : 41}`;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'x-switchyard-deployment': `fake/${body.model}` });
      const chunk = (payload: unknown): string => `data: ${JSON.stringify(payload)}\n\n`;
      res.write(': keep-alive comment\n\n');
      for (const piece of [text.slice(0, 5), text.slice(5)]) res.write(chunk({ choices: [{ index: 0, delta: { content: piece } }] }));
      res.write(chunk({ choices: [], usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30, cost_usd: body.model === 'good' ? 0.002 : 0.001 } }));
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const items: BenchSuiteItem[] = [
  { id: 'm1', task: 'math', prompt: 'What is 6 times 7?', reference: '42', scorer: { type: 'numeric' } },
  { id: 'k1', task: 'knowledge', prompt: 'What is the capital of France?', reference: 'Paris', scorer: { type: 'normalized' } },
];

describe('runModelBench', () => {
  it('streams every item to every model, scores the answers and keeps timing, tokens and cost', async () => {
    const progress: number[] = [];
    const records = await runModelBench({ url, models: ['good', 'bad', 'broken'], items, concurrency: 2, repeat: 2, onProgress: (done) => progress.push(done) });
    expect(records).toHaveLength(12);
    expect(progress.at(-1)).toBe(12);
    expect(seen.every((call) => call.stream && call.includeUsage)).toBe(true);

    const good = records.filter((r) => r.model === 'good');
    expect(good.map((r) => r.score)).toEqual([1, 1, 1, 1]);
    expect(good[0]).toMatchObject({ outputTokens: 10, inputTokens: 20, costUsd: 0.002, deployment: 'fake/good' });
    expect(good[0]?.ttftMs).toBeLessThanOrEqual(good[0]?.totalMs ?? 0);
    expect(records.filter((r) => r.model === 'bad' && r.task === 'math').map((r) => r.score)).toEqual([0, 0]);
    const broken = records.filter((r) => r.model === 'broken');
    expect(broken.every((r) => r.score === null && r.error?.includes('no capacity'))).toBe(true);

    const rows = summarizeModelBench(records, ['good', 'bad', 'broken']);
    const row = (model: string, task: string) => rows.find((r) => r.model === model && r.task === task);
    expect(row('good', 'all')).toMatchObject({ requests: 4, errors: 0, quality: 1, costUsd: 0.008 });
    expect(row('bad', 'all')?.quality).toBe(0.5);
    expect(row('broken', 'all')).toMatchObject({ errors: 4, quality: null, qualityWithErrors: 0 });

    const profile = benchQualityProfile(rows);
    expect(profile).toEqual({ good: { default: 1, knowledge: 1, math: 1 }, bad: { default: 0.5, knowledge: 1, math: 0 }, broken: { default: 0, knowledge: 0, math: 0 } });
    expect(formatQualityProfile(profile, 'yaml', 'note')).toContain('- id: good');

    const html = renderBenchHtml({ title: 't', generatedAt: 'now', suite: 's', url, models: ['good', 'bad', 'broken'], records, rows });
    expect(html).toContain('<svg');
    // Nothing is fetched: no scripts, no linked sources (the SVG namespace URI is only a name).
    expect(html).not.toMatch(/<script|(?:src|href)="https?:/);
    expect(toCsv([{ a: 'x,"y"', b: 1 }], ['a', 'b'])).toBe('a,b\r\n"x,""y""",1\r\n');
  });
});
