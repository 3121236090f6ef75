import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { finished } from '../../test/dashboard/telemetry-fixtures.js';
import { combineObservers } from './combine-observers.js';
import { createLogger } from './create-logger.js';
import { RequestLogListener } from './request-log-listener.js';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('RequestLogListener', () => {
  it('writes one JSON line per request with ids, tokens, cost and attempts, and no text by default', () => {
    const out = capture();
    const listener = new RequestLogListener(createLogger({ destination: out.stream }));
    listener.requestFinished(finished('req-1', 'openai/gpt-4o', { principalId: 'key_123', prompt: 'user: hello', completion: 'hi' }));
    const [line] = out.lines();
    expect(line).toMatchObject({
      level: 'info',
      event: 'request',
      requestId: 'req-1',
      decisionId: 'd-req-1',
      principalId: 'key_123',
      deployment: 'openai/gpt-4o',
      outcome: 'ok',
      inputTokens: 100,
      outputTokens: 50,
      costUsd: 0.001,
      latencyMs: 500,
      attempts: [{ deployment: 'openai/gpt-4o', role: 'first', outcome: 'ok', latencyMs: 500 }],
    });
    expect(line).not.toHaveProperty('prompt');
    expect(line).not.toHaveProperty('completion');
    expect(line?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Math.abs(Date.parse(line?.time as string) - Date.now())).toBeLessThan(60_000);
  });

  it('logs redacted prompt and completion text only when opted in', () => {
    const out = capture();
    const listener = new RequestLogListener(createLogger({ destination: out.stream }), { logPrompts: true });
    listener.requestFinished(finished('req-2', 'a/b', { prompt: 'user: my key is sk-live-1234567890abcdefghij', completion: 'Use Bearer abcdefghijklmnop' }));
    const [line] = out.lines();
    expect(line?.prompt).toBe('user: my key is [REDACTED:api-key]');
    expect(line?.completion).toBe('Use Bearer [REDACTED:bearer]');
  });

  it('censors credential paths and respects the level', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream, level: 'warn' });
    logger.warn({ headers: { authorization: 'Bearer sk-secret', 'x-api-key': 'k1' }, upstream: { headers: { authorization: 'Bearer x' } }, apiKey: 'sk-2' }, 'upstream');
    new RequestLogListener(logger).requestFinished(finished('quiet', 'a/b'));
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('sk-secret');
    expect(text).not.toContain('k1');
    expect(text).not.toContain('sk-2');
    expect(text).not.toContain('Bearer x');
  });
});

describe('createLogger', () => {
  it('censors provider keys inside a logged config, and masks key-shaped strings in any field', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    logger.info({ config: { providers: { openai: { type: 'openai', apiKey: 'plain-secret-without-shape', headers: { 'x-extra': 'hdr-secret' } } } } }, 'loaded');
    logger.warn({ detail: { nested: { deeper: 'upstream said: invalid key sk-abcdefghijklmnop1234' } } }, 'odd');
    const text = out.lines().map((line) => JSON.stringify(line)).join('\n');
    expect(text).not.toContain('plain-secret-without-shape');
    expect(text).not.toContain('hdr-secret');
    expect(text).not.toContain('sk-abcdefghijklmnop1234');
    expect(text).toContain('invalid key [REDACTED:api-key]');
    expect(out.lines()[0]).toMatchObject({ config: { providers: { openai: { type: 'openai', apiKey: '[REDACTED]' } } } });
  });
});

describe('combineObservers', () => {
  it('is undefined with no listeners and skips events nobody handles', () => {
    expect(combineObservers([])).toBeUndefined();
    const seen: string[] = [];
    const observer = combineObservers([{ requestFinished: (e) => seen.push(e.requestId) }, undefined, { cacheHit: () => seen.push('cache') }])!;
    expect(observer.attemptFinished).toBeUndefined();
    observer.requestFinished?.(finished('r', 'a/b'));
    expect(seen).toEqual(['r']);
  });

  it('keeps going when a listener throws and reports it', () => {
    const errors: string[] = [];
    const seen: string[] = [];
    const observer = combineObservers(
      [
        {
          requestFinished: () => {
            throw new Error('boom');
          },
        },
        { requestFinished: (e) => seen.push(e.requestId) },
      ],
      (error, event) => errors.push(`${event}: ${(error as Error).message}`),
    )!;
    observer.requestFinished?.(finished('r', 'a/b'));
    expect(seen).toEqual(['r']);
    expect(errors).toEqual(['requestFinished: boom']);
  });
});
