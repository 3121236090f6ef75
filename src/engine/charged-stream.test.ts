import { describe, expect, it } from 'vitest';
import type { StreamPart } from '../spec/stream-part.js';
import type { Reservation } from '../accounting/reservation.js';
import { chargedStream } from './charged-stream.js';
import type { RequestCharge } from './request-charge.js';

const reservation = { id: 'r1' } as Reservation;

/** Records what the stream did with its reservation. */
function fakeCharge(log: string[]): RequestCharge {
  return {
    reserveForAttempt: async () => {
      log.push('reserve');
      return reservation;
    },
    settle: async (_reservation: Reservation, costUsd: number) => {
      log.push(`settle ${costUsd}`);
    },
    release: async () => {
      log.push('release');
    },
  } as unknown as RequestCharge;
}

const text = (t: string): StreamPart => ({ type: 'text-delta', choiceIndex: 0, text: t });

function upstream(parts: StreamPart[], log: string[], failure?: Error): AsyncIterable<StreamPart> {
  return (async function* () {
    try {
      for (const part of parts) yield part;
      if (failure !== undefined) throw failure;
    } finally {
      log.push('upstream closed');
    }
  })();
}

function open(parts: StreamPart[], log: string[], failure?: Error) {
  return chargedStream({
    charge: fakeCharge(log),
    maxCostUsd: 1,
    open: () => upstream(parts, log, failure),
    costOf: (usage, outputText) => (usage !== undefined ? usage.outputTokens : outputText.length),
  });
}

describe('chargedStream', () => {
  it('hands every part on and settles at the end with the reported usage', async () => {
    const log: string[] = [];
    const parts = [text('ab'), { type: 'usage', usage: { inputTokens: 1, outputTokens: 7 } } as StreamPart];
    const seen: StreamPart[] = [];
    for await (const part of open(parts, log)) seen.push(part);
    expect(seen).toEqual(parts);
    expect(log).toEqual(['reserve', 'upstream closed', 'settle 7']);
  });

  it('settles what was produced before a failure, then rethrows it', async () => {
    const log: string[] = [];
    const seen: StreamPart[] = [];
    await expect(async () => {
      for await (const part of open([text('abc')], log, new Error('reset'))) seen.push(part);
    }).rejects.toThrow('reset');
    expect(seen).toEqual([text('abc')]);
    expect(log).toEqual(['reserve', 'upstream closed', 'settle 3']);
  });

  it('closes the upstream and settles when the reader stops early; releases when nothing came', async () => {
    const log: string[] = [];
    for await (const part of open([text('abcd'), text('never read')], log)) {
      expect(part).toEqual(text('abcd'));
      break;
    }
    expect(log).toEqual(['reserve', 'upstream closed', 'settle 4']);

    const quiet: string[] = [];
    for await (const part of open([{ type: 'start', id: 'x', model: 'm', created: 1 }], quiet)) {
      expect(part.type).toBe('start');
      break;
    }
    expect(quiet).toEqual(['reserve', 'upstream closed', 'release']);
  });

  it('counts parts handed out through nextReady like those of next()', async () => {
    const log: string[] = [];
    const ready = [text('bc'), text('def')];
    const source = {
      next: () => Promise.resolve(ready.length > 0 ? { value: text('a'), done: false as const } : { value: undefined, done: true as const }),
      nextReady: () => ready.shift(),
    };
    const stream = chargedStream({ charge: fakeCharge(log), maxCostUsd: 1, open: () => ({ [Symbol.asyncIterator]: () => source }), costOf: (_usage, outputText) => outputText.length });
    expect(stream.nextReady?.()).toBeUndefined();
    expect((await stream.next()).value).toEqual(text('a'));
    expect(stream.nextReady?.()).toEqual(text('bc'));
    expect(stream.nextReady?.()).toEqual(text('def'));
    expect((await stream.next()).done).toBe(true);
    expect(log).toEqual(['reserve', 'settle 6']);
  });

  it('settles once: parts after the end are not read', async () => {
    const log: string[] = [];
    const stream = open([text('a')], log);
    expect(await stream.next()).toEqual({ value: text('a'), done: false });
    expect((await stream.next()).done).toBe(true);
    expect((await stream.next()).done).toBe(true);
    await stream.return?.();
    expect(log).toEqual(['reserve', 'upstream closed', 'settle 1']);
  });
});
