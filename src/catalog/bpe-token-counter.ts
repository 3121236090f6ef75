import { lookupRank, type BpeRankTable } from './bpe-rank-table.js';

const NO_RANK = 0x7fffffff;
const BYTE_ORDER_MARK = 0xfeff;
/** Pieces whose merge result is remembered; a bound on memory (about 1 MB of short keys), not a tuning knob. */
const PIECE_CACHE_ENTRIES = 16_384;

/**
 * Counts tokens of plain text (special-token text counts as ordinary text) over a compact rank
 * table, giving exactly what gpt-tokenizer's `countTokens(text, { disallowedSpecial: new Set() })`
 * gives for the same encoding: the same split regex, the same whole-piece lookup, the same
 * lowest-rank-first merge with the same tie-breaking. Two quirks of that package are kept on
 * purpose so counts never drift from it: a piece with a lone surrogate is never looked up whole,
 * and a merge candidate that is valid UTF-8 starting with a byte order mark is looked up without
 * the mark (the package decodes it with a BOM-stripping TextDecoder before its string lookup).
 */
export class BpeTokenCounter {
  readonly #table: BpeRankTable;
  readonly #split: RegExp;
  #bytes = Buffer.alloc(256);
  #starts = new Int32Array(257);
  #ranks = new Int32Array(257);
  readonly #merged = new Map<string, number>();

  constructor(table: BpeRankTable, splitRegex: RegExp) {
    this.#table = table;
    // A private copy: its lastIndex is this counter's own state.
    this.#split = new RegExp(splitRegex.source, splitRegex.flags.includes('g') ? splitRegex.flags : `${splitRegex.flags}g`);
  }

  count(text: string): number {
    const split = this.#split;
    split.lastIndex = 0;
    let total = 0;
    for (let match = split.exec(text); match !== null; match = split.exec(text)) {
      const piece = match[0];
      if (piece.length === 0) {
        split.lastIndex += 1;
        continue;
      }
      total += this.#countPiece(piece);
    }
    return total;
  }

  #countPiece(piece: string): number {
    const length = this.#encode(piece);
    const wholeLookup = piece.charCodeAt(0) !== BYTE_ORDER_MARK && isWellFormed(piece);
    if (wholeLookup && lookupRank(this.#table, this.#bytes, 0, length) >= 0) return 1;
    const known = this.#merged.get(piece);
    if (known !== undefined) return known;
    const counted = this.#merge(length);
    if (this.#merged.size >= PIECE_CACHE_ENTRIES) this.#merged.clear();
    this.#merged.set(piece, counted);
    return counted;
  }

  /** UTF-8 of the piece into the scratch buffer (lone surrogates become U+FFFD, as TextEncoder does). */
  #encode(piece: string): number {
    if (this.#bytes.length < piece.length * 3) this.#bytes = Buffer.alloc(piece.length * 3);
    const bytes = this.#bytes;
    for (let i = 0; i < piece.length; i += 1) {
      const code = piece.charCodeAt(i);
      if (code >= 0x80) return bytes.write(piece, 0, 'utf8');
      bytes[i] = code;
    }
    return piece.length;
  }

  /** The number of parts byte-pair merging leaves of the scratch buffer's first `length` bytes. */
  #merge(length: number): number {
    if (this.#starts.length < length + 1) {
      this.#starts = new Int32Array(length + 1);
      this.#ranks = new Int32Array(length + 1);
    }
    const starts = this.#starts;
    const ranks = this.#ranks;
    let parts = length + 1;
    for (let i = 0; i <= length; i += 1) {
      starts[i] = i;
      ranks[i] = i < length - 1 ? this.#rank(i, i + 2) : NO_RANK;
    }
    while (parts > 1) {
      let lowest = NO_RANK;
      let at = -1;
      for (let i = 0; i < parts - 1; i += 1) {
        if (ranks[i]! < lowest) {
          lowest = ranks[i]!;
          at = i;
        }
      }
      if (at === -1) break;
      starts.copyWithin(at + 1, at + 2, parts);
      ranks.copyWithin(at, at + 1, parts);
      parts -= 1;
      ranks[at] = at + 2 < parts ? this.#rank(starts[at]!, starts[at + 2]!) : NO_RANK;
      if (at > 0) ranks[at - 1] = at + 1 < parts ? this.#rank(starts[at - 1]!, starts[at + 1]!) : NO_RANK;
    }
    return parts - 1;
  }

  #rank(from: number, to: number): number {
    const bytes = this.#bytes;
    if (to - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf && isValidUtf8(bytes, from, to)) {
      const rest = from + 3;
      if (rest === to) return NO_RANK;
      // Tokens that start with the mark exist only as byte entries, which that lookup never sees.
      if (to - rest >= 3 && bytes[rest] === 0xef && bytes[rest + 1] === 0xbb && bytes[rest + 2] === 0xbf) return NO_RANK;
      const rank = lookupRank(this.#table, bytes, rest, to);
      return rank < 0 ? NO_RANK : rank;
    }
    const rank = lookupRank(this.#table, bytes, from, to);
    return rank < 0 ? NO_RANK : rank;
  }
}

function isWellFormed(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    if (code > 0xdbff) return false;
    const next = text.charCodeAt(i + 1);
    if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
    i += 1;
  }
  return true;
}

/** Strict UTF-8 validity (no overlong forms, no surrogates, nothing above U+10FFFF). */
function isValidUtf8(bytes: Uint8Array, from: number, to: number): boolean {
  let i = from;
  while (i < to) {
    const lead = bytes[i]!;
    let size: number;
    let code: number;
    if (lead <= 0x7f) {
      i += 1;
      continue;
    } else if ((lead & 0xe0) === 0xc0) {
      if (lead <= 0xc1) return false;
      size = 2;
      code = lead & 0x1f;
    } else if ((lead & 0xf0) === 0xe0) {
      size = 3;
      code = lead & 0x0f;
    } else if ((lead & 0xf8) === 0xf0) {
      if (lead > 0xf4) return false;
      size = 4;
      code = lead & 0x07;
    } else return false;
    if (i + size > to) return false;
    for (let k = 1; k < size; k += 1) {
      const byte = bytes[i + k]!;
      if ((byte & 0xc0) !== 0x80) return false;
      code = (code << 6) | (byte & 0x3f);
    }
    if ((size === 3 && code < 0x800) || (size === 4 && code < 0x10000)) return false;
    if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) return false;
    i += size;
  }
  return true;
}
