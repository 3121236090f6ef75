/**
 * A byte-pair rank table held in three typed arrays instead of one JavaScript string per token.
 *
 * gpt-tokenizer keeps o200k as 200k strings in an array plus a Map from each string to its rank:
 * about 15 MB of live V8 heap, and a bigger live heap makes V8 grow its old generation
 * proportionally larger between full collections under load. Here every token's bytes sit in one
 * Uint8Array, `offsets` marks where each rank's bytes start, and an open-addressing hash over the
 * bytes maps them back to the rank: about 4 MB for o200k, outside the JavaScript heap.
 */
export interface BpeRankTable {
  /** Every token's bytes, rank after rank. */
  readonly bytes: Uint8Array;
  /** Rank r's bytes are `bytes[offsets[r]]` up to `bytes[offsets[r + 1]]` (empty for an unused rank). */
  readonly offsets: Uint32Array;
  /** Hash slots holding rank + 1, 0 for an empty slot; the length is a power of two. */
  readonly slots: Int32Array;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over bytes[from..to): cheap, and spreads the short keys of a vocabulary well. */
export function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let hash = FNV_OFFSET;
  for (let i = from; i < to; i += 1) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
  return hash >>> 0;
}

/** The rank of bytes[from..to), or -1 when the table has no such token. */
export function lookupRank(table: BpeRankTable, bytes: Uint8Array, from: number, to: number): number {
  return lookupHashed(table, hashBytes(bytes, from, to), bytes, from, to);
}

export function lookupHashed(table: BpeRankTable, hash: number, bytes: Uint8Array, from: number, to: number): number {
  const { slots, offsets } = table;
  const tokens = table.bytes;
  const mask = slots.length - 1;
  const length = to - from;
  for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
    const entry = slots[slot]!;
    if (entry === 0) return -1;
    const rank = entry - 1;
    const start = offsets[rank]!;
    if (offsets[rank + 1]! - start !== length) continue;
    let i = 0;
    while (i < length && tokens[start + i] === bytes[from + i]) i += 1;
    if (i === length) return rank;
  }
}

const BASE64_VALUES = (() => {
  const values = new Int8Array(256).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i += 1) values[alphabet.charCodeAt(i)] = i;
  return values;
})();

const SPACE = 0x20;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const EQUALS = 0x3d;

/**
 * Builds the table from a tiktoken rank file (`<base64 bytes> <rank>` per line), the format
 * OpenAI publishes and gpt-tokenizer ships under `data/`. The file is decoded in place, byte by
 * byte, so building allocates the typed arrays and nothing per token.
 */
export function parseTiktokenRanks(file: Uint8Array): BpeRankTable {
  const scratch = new Uint8Array(file.length);
  // Typed arrays sized by the line count, so that building leaves no per-token garbage on the heap.
  let lines = 1;
  for (let k = 0; k < file.length; k += 1) if (file[k] === NEWLINE || file[k] === CARRIAGE_RETURN) lines += 1;
  const tokenStart = new Int32Array(lines);
  const tokenEnd = new Int32Array(lines);
  const tokenRank = new Int32Array(lines);
  let tokens = 0;
  let written = 0;
  let maxRank = -1;
  let i = 0;
  while (i < file.length) {
    if (file[i] === NEWLINE || file[i] === CARRIAGE_RETURN) {
      i += 1;
      continue;
    }
    const start = written;
    let bits = 0;
    let bitCount = 0;
    for (; i < file.length && file[i] !== SPACE; i += 1) {
      const byte = file[i]!;
      if (byte === EQUALS) continue;
      const value = BASE64_VALUES[byte]!;
      if (value < 0) throw new Error(`Invalid base64 byte ${byte} in a tiktoken rank file at offset ${i}.`);
      bits = ((bits << 6) | value) & 0xffffff;
      bitCount += 6;
      if (bitCount >= 8) {
        bitCount -= 8;
        scratch[written] = (bits >> bitCount) & 0xff;
        written += 1;
      }
    }
    i += 1;
    let rank = 0;
    let digits = 0;
    for (; i < file.length && file[i]! >= 0x30 && file[i]! <= 0x39; i += 1, digits += 1) rank = rank * 10 + (file[i]! - 0x30);
    if (digits === 0) throw new Error(`A line of a tiktoken rank file has no rank (offset ${i}).`);
    tokenStart[tokens] = start;
    tokenEnd[tokens] = written;
    tokenRank[tokens] = rank;
    tokens += 1;
    if (rank > maxRank) maxRank = rank;
  }
  return indexTokens(scratch, tokenStart.subarray(0, tokens), tokenEnd.subarray(0, tokens), tokenRank.subarray(0, tokens), maxRank);
}

function indexTokens(scratch: Uint8Array, starts: Int32Array, ends: Int32Array, ranks: Int32Array, maxRank: number): BpeRankTable {
  const byRank = new Int32Array(maxRank + 1).fill(-1);
  for (let t = 0; t < ranks.length; t += 1) byRank[ranks[t]!] = t;
  const offsets = new Uint32Array(maxRank + 2);
  let total = 0;
  for (let rank = 0; rank <= maxRank; rank += 1) {
    offsets[rank] = total;
    const t = byRank[rank]!;
    if (t >= 0) total += ends[t]! - starts[t]!;
  }
  offsets[maxRank + 1] = total;
  const bytes = new Uint8Array(total);
  for (let rank = 0; rank <= maxRank; rank += 1) {
    const t = byRank[rank]!;
    if (t >= 0) bytes.set(scratch.subarray(starts[t], ends[t]), offsets[rank]);
  }
  // At most half full, so a probe rarely takes more than two slots.
  let size = 1;
  while (size < ranks.length * 2) size *= 2;
  const table: BpeRankTable = { bytes, offsets, slots: new Int32Array(size) };
  for (let rank = 0; rank <= maxRank; rank += 1) {
    const from = offsets[rank]!;
    const to = offsets[rank + 1]!;
    if (from === to) continue;
    insertRank(table, rank, from, to);
  }
  return table;
}

function insertRank(table: BpeRankTable, rank: number, from: number, to: number): void {
  const mask = table.slots.length - 1;
  for (let slot = hashBytes(table.bytes, from, to) & mask; ; slot = (slot + 1) & mask) {
    const entry = table.slots[slot]!;
    if (entry === 0) {
      table.slots[slot] = rank + 1;
      return;
    }
    const other = entry - 1;
    const start = table.offsets[other]!;
    if (table.offsets[other + 1]! - start === to - from && table.bytes.subarray(start, start + to - from).every((byte, k) => byte === table.bytes[from + k])) {
      throw new Error(`A tiktoken rank file lists the same bytes under ranks ${other} and ${rank}.`);
    }
  }
}
