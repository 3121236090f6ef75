import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { consensus } from './consensus.js';
import { extractFinalAnswer, normalizeAnswer } from './final-answer.js';
import { race } from './race.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
  signal?: AbortSignal;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function starter<T>(d: Deferred<T>) {
  return (signal: AbortSignal) => {
    d.signal = signal;
    return d.promise;
  };
}

describe('race', () => {
  it('the first success wins and the others are aborted', async () => {
    const legs = [deferred<string>(), deferred<string>(), deferred<string>()];
    const pending = race({ starters: legs.map(starter) });
    await Promise.resolve();
    legs[0]!.reject(new GatewayError('upstream_server_error', '500'));
    legs[2]!.resolve('third');
    const result = await pending;
    expect(result).toMatchObject({ index: 2, value: 'third', aborted: [1] });
    expect(result.failures.map((f) => f.index)).toEqual([0]);
    expect(legs[1]!.signal?.aborted).toBe(true);
    expect(legs[0]!.signal?.aborted).toBe(false);
  });

  it('rejects with the best-ranked error when all fail', async () => {
    const legs = [deferred<string>(), deferred<string>()];
    const pending = race({ starters: legs.map(starter) });
    await Promise.resolve();
    legs[1]!.reject(new GatewayError('network_error', 'reset'));
    legs[0]!.reject(new GatewayError('overloaded', 'busy'));
    await expect(pending).rejects.toMatchObject({ code: 'overloaded' });
  });

  it('the request signal aborts every candidate', async () => {
    const controller = new AbortController();
    const legs = [deferred<string>(), deferred<string>()];
    const pending = race({ starters: legs.map(starter), signal: controller.signal });
    await Promise.resolve();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'client_closed' });
    expect(legs.every((d) => d.signal?.aborted)).toBe(true);
  });
});

describe('final answers', () => {
  it.each([
    ['The answer is 42.', '42'],
    ['Let me think. 3 + 4 = 7, times 6 is 42', '42'],
    ['Step 1: 1,000 apples\nFinal answer: 1,250', '1250'],
    ['Options were A) and B). I pick (C)', 'C'],
    ['Answer: B', 'B'],
    ['reasoning...\nParis', 'paris'],
    ['The answer is Paris!', 'paris'],
  ])('%j -> %j', (text, expected) => {
    expect(extractFinalAnswer(text)).toBe(expected);
  });

  it('normalizes case, whitespace and punctuation', () => {
    expect(normalizeAnswer('  Hello,   World! ')).toBe('hello world');
  });
});

describe('consensus', () => {
  const reply = (text: string) => () => Promise.resolve(text);

  it('returns the majority answer and the agreement ratio', async () => {
    const result = await consensus({
      starters: [reply('I think 41'), reply('so the answer is 42'), reply('42.'), reply('Answer: 42')],
      textOf: (t) => t,
      comparator: 'majority',
    });
    expect(result).toMatchObject({ value: 'so the answer is 42', index: 1, key: '42', agreement: 0.75, answered: 4 });
  });

  it('exact and normalized comparators differ on formatting; failures do not count as answers', async () => {
    const starters = [reply('Yes.'), reply('yes'), () => Promise.reject(new GatewayError('network_error', 'x')), reply('No')];
    const exact = await consensus({ starters, textOf: (t) => t, comparator: 'exact' });
    expect(exact).toMatchObject({ index: 0, agreement: 1 / 3, answered: 3 });
    const normalized = await consensus({ starters, textOf: (t) => t, comparator: 'normalized' });
    expect(normalized).toMatchObject({ index: 0, key: 'yes', agreement: 2 / 3 });
    expect(normalized.failures.map((f) => f.error.code)).toEqual(['network_error']);
  });

  it('rejects with the best-ranked error when nobody answers', async () => {
    await expect(
      consensus({ starters: [() => Promise.reject(new GatewayError('overloaded', 'x'))], textOf: (t: string) => t, comparator: 'exact' }),
    ).rejects.toMatchObject({ code: 'overloaded' });
  });
});
