import type { StreamPart } from '../spec/stream-part.js';
import type { ReadyPartSource } from '../spec/ready-part-source.js';
import type { Usage } from '../spec/usage.js';
import type { Reservation } from '../accounting/reservation.js';
import type { RequestCharge } from './request-charge.js';

export interface ChargedStreamInput {
  charge: RequestCharge;
  maxCostUsd: number;
  /** A reservation already held for this attempt (the first one is taken before the loop starts). */
  reserved?: Reservation;
  open(): AsyncIterable<StreamPart>;
  /** What the attempt cost: from the upstream's usage, else from the text it produced. */
  costOf(usage: Usage | undefined, outputText: string): number;
}

const DONE: IteratorResult<StreamPart> = Object.freeze({ value: undefined, done: true });

/**
 * One streaming attempt under its own reservation. The reservation is settled when the stream
 * ends, fails or is cut, with the usage the upstream reported or, lacking it, what was produced;
 * an attempt that produced nothing is released.
 *
 * Written as an iterator rather than an async generator: it only watches the parts go by, and
 * handing on the upstream's own result objects costs one promise per part where a generator
 * step costs several (and its own result object).
 */
export function chargedStream(input: ChargedStreamInput): AsyncIterableIterator<StreamPart> & ReadyPartSource {
  return new ChargedStream(input);
}

class ChargedStream implements AsyncIterableIterator<StreamPart>, ReadyPartSource {
  private inner: ReadyPartSource | undefined;
  private reservation: Reservation | undefined;
  private usage: Usage | undefined;
  private readonly output: string[] = [];
  /** Set once the stream ended, failed or was closed: no more parts. */
  private over = false;
  /** The read in flight, which `return()` lets finish first, as a generator would. */
  private reading: Promise<unknown> | undefined;

  private readonly onResult = (result: IteratorResult<StreamPart>): IteratorResult<StreamPart> | Promise<IteratorResult<StreamPart>> => {
    this.reading = undefined;
    if (result.done === true) return this.close().then(() => DONE);
    this.observe(result.value);
    return result;
  };

  private readonly onError = async (error: unknown): Promise<never> => {
    this.reading = undefined;
    await this.close();
    throw error;
  };

  constructor(private readonly input: ChargedStreamInput) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<StreamPart> {
    return this;
  }

  nextReady(): StreamPart | undefined {
    if (this.over || this.inner?.nextReady === undefined) return undefined;
    const part = this.inner.nextReady();
    if (part !== undefined) this.observe(part);
    return part;
  }

  next(): Promise<IteratorResult<StreamPart>> {
    if (this.over) return Promise.resolve(DONE);
    const reading = this.inner === undefined ? this.begin() : this.inner.next().then(this.onResult, this.onError);
    this.reading = reading;
    return reading;
  }

  async return(): Promise<IteratorResult<StreamPart>> {
    if (this.reading !== undefined) await this.reading.catch(() => undefined);
    if (this.over || this.inner === undefined) {
      this.over = true;
      return DONE;
    }
    try {
      await this.inner.return?.();
    } finally {
      await this.close();
    }
    return DONE;
  }

  private async begin(): Promise<IteratorResult<StreamPart>> {
    try {
      this.reservation = this.input.reserved ?? (await this.input.charge.reserveForAttempt(this.input.maxCostUsd));
    } catch (error) {
      this.over = true;
      throw error;
    }
    let inner: ReadyPartSource;
    try {
      inner = this.input.open()[Symbol.asyncIterator]();
    } catch (error) {
      return this.onError(error);
    }
    this.inner = inner;
    return inner.next().then(this.onResult, this.onError);
  }

  private observe(part: StreamPart): void {
    switch (part.type) {
      case 'usage':
        this.usage = part.usage;
        break;
      case 'text-delta':
      case 'reasoning-delta':
      case 'refusal-delta':
        this.output.push(part.text);
        break;
      case 'tool-call-delta':
        if (part.name !== undefined) this.output.push(part.name);
        this.output.push(part.argumentsDelta);
        break;
      default:
        break;
    }
  }

  /** Settles the reservation once, however the stream ended. */
  private async close(): Promise<void> {
    if (this.over) return;
    this.over = true;
    const reservation = this.reservation!;
    if (this.usage === undefined && this.output.length === 0) await this.input.charge.release(reservation);
    else await this.input.charge.settle(reservation, this.input.costOf(this.usage, this.output.join('')));
  }
}
