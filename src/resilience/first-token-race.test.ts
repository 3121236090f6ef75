import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import type { StreamPart } from '../spec/stream-part.js';
import { FirstTokenRaceError, raceToFirstToken } from './first-token-race.js';
import { hedge } from './hedge.js';
import { ManualClock } from './manual-clock.js';

/** A stream the test feeds by hand; records whether it was aborted or closed. */
class ScriptedStream {
  started = false;
  aborted = false;
  closed = false;
  signal: AbortSignal | undefined;
  private readonly queue: Array<StreamPart | Error | 'end'> = [];
  private wake: (() => void) | undefined;

  start = (signal: AbortSignal): AsyncIterable<StreamPart> => {
    this.started = true;
    this.signal = signal;
    signal.addEventListener('abort', () => {
      this.aborted = true;
      this.wake?.();
    });
    return this.iterate(signal);
  };

  push(item: StreamPart | Error | 'end'): void {
    this.queue.push(item);
    this.wake?.();
  }

  private async *iterate(signal: AbortSignal): AsyncGenerator<StreamPart> {
    try {
      for (;;) {
        if (signal.aborted) throw signal.reason;
        const item = this.queue.shift();
        if (item === undefined) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        if (item === 'end') return;
        if (item instanceof Error) throw item;
        yield item;
      }
    } finally {
      this.closed = true;
    }
  }
}

const start: StreamPart = { type: 'start', id: 'x', model: 'm', created: 1 };
const text = (t: string): StreamPart => ({ type: 'text-delta', choiceIndex: 0, text: t });

async function collect(stream: AsyncIterable<StreamPart>): Promise<string[]> {
  const out: string[] = [];
  for await (const part of stream) out.push(part.type === 'text-delta' ? part.text : part.type);
  return out;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('hedge', () => {
  it('does not start the secondary when the primary answers before the delay', async () => {
    const clock = new ManualClock();
    const primary = new ScriptedStream();
    const secondary = new ScriptedStream();
    const pending = hedge({ primary: primary.start, startSecondary: secondary.start, delayMs: 500, clock });
    primary.push(start);
    primary.push(text('hi'));
    const result = await pending;
    expect(result).toMatchObject({ winner: 'primary', hedged: false, loserAborted: false });
    clock.advance(1_000);
    expect(secondary.started).toBe(false);
    expect(clock.pendingTimers).toBe(0);
    primary.push(text(' there'));
    primary.push('end');
    expect(await collect(result.stream)).toEqual(['start', 'hi', ' there']);
  });

  it('starts the secondary after the delay; the first token wins and the loser is aborted at once', async () => {
    const clock = new ManualClock();
    const primary = new ScriptedStream();
    const secondary = new ScriptedStream();
    const pending = hedge({ primary: primary.start, startSecondary: secondary.start, delayMs: 500, clock });
    primary.push(start); // a start part is not a first token
    await tick();
    clock.advance(500);
    expect(secondary.started).toBe(true);
    secondary.push(text('fast'));
    const result = await pending;
    expect(result).toMatchObject({ winner: 'secondary', hedged: true, loserAborted: true });
    expect(primary.aborted).toBe(true);
    expect(primary.signal?.reason).toMatchObject({ code: 'client_closed' });
    await tick();
    expect(primary.closed).toBe(true);
    secondary.push('end');
    expect(await collect(result.stream)).toEqual(['fast']);
  });

  it('rejects with the primary error when it fails before the hedge delay', async () => {
    const clock = new ManualClock();
    const primary = new ScriptedStream();
    const secondary = new ScriptedStream();
    const pending = hedge({ primary: primary.start, startSecondary: secondary.start, delayMs: 500, clock });
    primary.push(new GatewayError('overloaded', 'busy'));
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FirstTokenRaceError);
    expect((error as FirstTokenRaceError).error.code).toBe('overloaded');
    expect(secondary.started).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('once both run, the survivor carries on after the other fails', async () => {
    const clock = new ManualClock();
    const primary = new ScriptedStream();
    const secondary = new ScriptedStream();
    const pending = hedge({ primary: primary.start, startSecondary: secondary.start, delayMs: 100, clock });
    clock.advance(100);
    await tick();
    secondary.push(new GatewayError('network_error', 'reset'));
    await tick();
    primary.push(text('slow but sure'));
    const result = await pending;
    expect(result.winner).toBe('primary');
    expect(result.failures.map((f) => f.error.code)).toEqual(['network_error']);
  });

  it('an in-band error part before the first token fails that leg', async () => {
    const primary = new ScriptedStream();
    const pending = raceToFirstToken({ legs: [{ start: primary.start, delayMs: 0 }], clock: new ManualClock() });
    primary.push({ type: 'error', error: { code: 'overloaded', message: 'Overloaded', outcome: 'overloaded' } });
    await expect(pending).rejects.toMatchObject({ error: { code: 'overloaded', outcome: 'overloaded' } });
  });

  it('aborting the request aborts every leg and rejects with client_closed', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const primary = new ScriptedStream();
    const secondary = new ScriptedStream();
    const pending = hedge({ primary: primary.start, startSecondary: secondary.start, delayMs: 10, clock, signal: controller.signal });
    clock.advance(10);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'client_closed' });
    expect(primary.aborted && secondary.aborted).toBe(true);
  });
});

describe('raceToFirstToken', () => {
  it('a stream that ends without content still wins (an empty answer is an answer)', async () => {
    const only = new ScriptedStream();
    const pending = raceToFirstToken({ legs: [{ start: only.start, delayMs: 0 }] });
    only.push(start);
    only.push({ type: 'finish', choiceIndex: 0, finishReason: 'stop' });
    only.push('end');
    const result = await pending;
    expect(await collect(result.stream)).toEqual(['start', 'finish']);
  });

  it('startNextOnFailure starts a waiting leg at once', async () => {
    const clock = new ManualClock();
    const a = new ScriptedStream();
    const b = new ScriptedStream();
    const pending = raceToFirstToken({ legs: [{ start: a.start, delayMs: 0 }, { start: b.start, delayMs: 10_000 }], clock, startNextOnFailure: true });
    a.push(new GatewayError('upstream_server_error', '500'));
    await tick();
    expect(b.started).toBe(true);
    b.push(text('ok'));
    expect((await pending).index).toBe(1);
  });

  it('closing the winner stream early closes the upstream iterator', async () => {
    const a = new ScriptedStream();
    const pending = raceToFirstToken({ legs: [{ start: a.start, delayMs: 0 }] });
    a.push(text('one'));
    a.push(text('two'));
    const result = await pending;
    for await (const part of result.stream) {
      expect(part.type).toBe('text-delta');
      break;
    }
    expect(a.closed).toBe(true);
  });
});
