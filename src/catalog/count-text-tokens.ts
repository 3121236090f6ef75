import { findModelFamily } from './model-families.js';
import { loadEncoding } from './load-encoding.js';

export interface CountTextOptions {
  /** Tokenize everything even above the sampling threshold (slower on long documents). */
  exact?: boolean;
}

/**
 * Above this many characters (about 12k tokens of English) a text is estimated from samples
 * instead of tokenized whole. BPE over 400 kB of text (100k tokens) costs around 100-200 ms of
 * blocked event loop; eight evenly spaced 4 kB samples cost a few milliseconds and, on text of
 * one kind, land within a few percent of the exact count, which is all a context-window check
 * or a cost estimate needs. Actual cost never uses this: it comes from the upstream's usage.
 */
export const SAMPLING_THRESHOLD_CHARS = 48_000;
const SAMPLE_COUNT = 8;
const SAMPLE_CHARS = 4096;

/**
 * Tokens of a text for a model: OpenAI models exactly with their own encoding, other families
 * through a named encoding times a documented factor (see model-families.ts), rounded up.
 */
export function countTextTokens(text: string, model: string, options?: CountTextOptions): number {
  if (text.length === 0) return 0;
  const { encoding, factor } = findModelFamily(model).tokenizer;
  const encoder = loadEncoding(encoding);
  let raw: number;
  if (options?.exact === true || text.length <= SAMPLING_THRESHOLD_CHARS) {
    raw = text.length <= MEMO_MAX_CHARS ? memoizedCount(encoding, text, encoder) : encoder.count(text);
  } else {
    raw = sampledCount(text, (sample) => encoder.count(sample));
  }
  return Math.ceil(raw * factor);
}

/*
 * Production traffic repeats short texts constantly: system prompts, role names, tool
 * definitions, the same question from many users. Hashing a string is far cheaper than BPE over
 * it, so counts of texts up to a few kB are kept per encoding, oldest dropped first past a bound
 * (at most MEMO_ENTRIES x MEMO_MAX_CHARS characters per encoding, about 8 MB of UTF-16).
 */
const MEMO_MAX_CHARS = 4096;
const MEMO_ENTRIES = 1024;
const memos = new Map<string, Map<string, number>>();

function memoizedCount(encoding: string, text: string, encoder: { count(text: string): number }): number {
  let memo = memos.get(encoding);
  if (memo === undefined) {
    memo = new Map();
    memos.set(encoding, memo);
  }
  const known = memo.get(text);
  if (known !== undefined) return known;
  const counted = encoder.count(text);
  if (memo.size >= MEMO_ENTRIES) {
    const oldest = memo.keys().next();
    if (oldest.done !== true) memo.delete(oldest.value);
  }
  memo.set(text, counted);
  return counted;
}

function sampledCount(text: string, count: (sample: string) => number): number {
  const stride = Math.floor((text.length - SAMPLE_CHARS) / (SAMPLE_COUNT - 1));
  let tokens = 0;
  let chars = 0;
  for (let i = 0; i < SAMPLE_COUNT; i += 1) {
    const sample = text.slice(i * stride, i * stride + SAMPLE_CHARS);
    tokens += count(sample);
    chars += sample.length;
  }
  return Math.ceil((tokens / chars) * text.length);
}
