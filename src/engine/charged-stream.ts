import type { StreamPart } from '../spec/stream-part.js';
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

/**
 * One streaming attempt under its own reservation. The reservation is settled when the stream
 * ends, fails or is cut (the generator's `finally` runs on each), with the usage the upstream
 * reported or, lacking it, what was produced; an attempt that produced nothing is released.
 */
export async function* chargedStream(input: ChargedStreamInput): AsyncGenerator<StreamPart> {
  const reservation = input.reserved ?? (await input.charge.reserveForAttempt(input.maxCostUsd));
  let usage: Usage | undefined;
  const output: string[] = [];
  try {
    for await (const part of input.open()) {
      switch (part.type) {
        case 'usage':
          usage = part.usage;
          break;
        case 'text-delta':
        case 'reasoning-delta':
        case 'refusal-delta':
          output.push(part.text);
          break;
        case 'tool-call-delta':
          if (part.name !== undefined) output.push(part.name);
          output.push(part.argumentsDelta);
          break;
        default:
          break;
      }
      yield part;
    }
  } finally {
    if (usage === undefined && output.length === 0) await input.charge.release(reservation);
    else await input.charge.settle(reservation, input.costOf(usage, output.join('')));
  }
}
