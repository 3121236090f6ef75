/**
 * Turns a prompt into sparse hashed features for the task classifier: words, five-letter word
 * prefixes, and a few structural markers (length, code fences, multiple-choice options, LaTeX,
 * digits, non-Latin script, first and last words). Word bigrams and character trigrams were
 * tried and dropped: on a validation fold of chat-style prompts they lowered accuracy by
 * memorizing the benchmarks' phrasing. Training and inference share this function, so any
 * change here requires retraining.
 *
 * Tokenizing walks char codes with a lazily filled class table instead of Unicode-property
 * regexes, which cost ten times more on Node 20.
 */
export interface SparseFeatures {
  indices: Int32Array;
  /** One value per index; the vector has unit L2 norm. */
  values: Float32Array;
}

/** Long prompts are classified from their head and tail: instructions sit at either end. */
const HEAD_CHARS = 1_500;
const TAIL_CHARS = 500;
const PREFIX_CHARS = 5;

const SEED_WORD = 0x9e3779b1;
const SEED_PREFIX = 0x85ebca6b;
const SEED_OTHER = 0xc2b2ae35;

const enum CharClass {
  Unknown = 0,
  Space = 1,
  Letter = 2,
  NonLatinLetter = 3,
  DigitOrUnderscore = 4,
  Symbol = 5,
}

const CLASSES = new Uint8Array(65_536);
const IS_SPACE = /\s/;
const IS_LETTER = /\p{L}/u;
const IS_LATIN = /\p{Script=Latin}/u;
const IS_NUMBER = /[\p{N}_]/u;

function classOf(code: number): CharClass {
  const known = CLASSES[code] as CharClass;
  if (known !== CharClass.Unknown) return known;
  const ch = String.fromCharCode(code);
  let cls: CharClass;
  if (code >= 0xd800 && code <= 0xdfff) cls = CharClass.Symbol;
  else if (IS_SPACE.test(ch)) cls = CharClass.Space;
  else if (IS_LETTER.test(ch)) cls = IS_LATIN.test(ch) ? CharClass.Letter : CharClass.NonLatinLetter;
  else if (IS_NUMBER.test(ch)) cls = CharClass.DigitOrUnderscore;
  else cls = CharClass.Symbol;
  CLASSES[code] = cls;
  return cls;
}

function hashRange(text: string, start: number, end: number, seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = start; i < end; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function hashString(text: string): number {
  return hashRange(text, 0, text.length, SEED_OTHER);
}

function bucket(value: number, edges: readonly number[]): number {
  let i = 0;
  while (i < edges.length && value >= (edges[i] ?? Infinity)) i += 1;
  return i;
}

const MULTIPLE_CHOICE = /^\s*\(?[A-Da-d][).:]\s/m;
const LATEX = /\$[^$\n]+\$|\\(?:frac|sqrt|sum|int|cdot|begin|mathbb|pmod|binom)/;
const FENCE = /```|^(?: {4}|\t)\S/m;
const BLANK = /\b_\b|_{2,}/;
const CODE_SYNTAX = new Set(['{', '}', ';', '=', '(', ')']);

export function extractTaskFeatures(rawText: string, dimensions: number): SparseFeatures {
  const text = rawText.length > HEAD_CHARS + TAIL_CHARS ? `${rawText.slice(0, HEAD_CHARS)}\n${rawText.slice(-TAIL_CHARS)}` : rawText;
  const lower = text.toLowerCase();
  const seen = new Set<number>();
  const add = (hash: number): void => {
    seen.add(hash % dimensions);
  };

  let letters = 0;
  let nonLatin = 0;
  let digits = 0;
  let codeMarks = 0;
  let lines = 1;
  let firstWord = '';
  let secondWord = '';
  let lastToken = '';
  let wordStart = -1;
  let wordHasLetter = false;
  const endWord = (end: number): void => {
    if (wordStart < 0) return;
    add(hashRange(lower, wordStart, end, SEED_WORD));
    if (end - wordStart > PREFIX_CHARS) add(hashRange(lower, wordStart, wordStart + PREFIX_CHARS, SEED_PREFIX));
    if (wordHasLetter && !secondWord) {
      const word = lower.slice(wordStart, end);
      if (!firstWord) firstWord = word;
      else secondWord = word;
    }
    lastToken = '';
    if (end === lower.length || classOf(lower.charCodeAt(end)) === CharClass.Space) lastToken = lower.slice(wordStart, end);
    wordStart = -1;
    wordHasLetter = false;
  };
  for (let i = 0; i < lower.length; i += 1) {
    const code = lower.charCodeAt(i);
    const cls = classOf(code);
    if (cls === CharClass.Letter || cls === CharClass.NonLatinLetter || cls === CharClass.DigitOrUnderscore) {
      if (wordStart < 0) wordStart = i;
      if (cls !== CharClass.DigitOrUnderscore) {
        wordHasLetter = true;
        letters += 1;
        if (cls === CharClass.NonLatinLetter) nonLatin += 1;
      } else if (code >= 48 && code <= 57) {
        digits += 1;
      }
      continue;
    }
    endWord(i);
    if (cls === CharClass.Symbol) {
      add(hashRange(lower, i, i + 1, SEED_WORD));
      lastToken = lower[i] ?? '';
      if (CODE_SYNTAX.has(lower[i] ?? '')) codeMarks += 1;
    } else if (code === 10) {
      lines += 1;
    }
  }
  endWord(lower.length);

  add(hashString(`first:${firstWord}`));
  add(hashString(`first2:${firstWord} ${secondWord}`));
  add(hashString(`last:${lastToken}`));
  add(hashString(`len:${bucket(rawText.length, [20, 60, 150, 400, 1_000, 3_000, 10_000])}`));
  add(hashString(`lines:${bucket(lines, [2, 4, 8, 20, 60])}`));
  if (MULTIPLE_CHOICE.test(text)) add(hashString('has:choices'));
  if (LATEX.test(text)) add(hashString('has:latex'));
  if (FENCE.test(text)) add(hashString('has:code-block'));
  if (BLANK.test(text)) add(hashString('has:blank'));
  if (/\?\s*$/.test(text)) add(hashString('ends:question'));
  add(hashString(`nonlatin:${bucket(nonLatin / Math.max(1, letters), [0.02, 0.2, 0.6])}`));
  add(hashString(`digits:${bucket(digits / Math.max(1, text.length), [0.005, 0.02, 0.06, 0.15])}`));
  add(hashString(`code:${bucket(codeMarks, [1, 3, 8, 20])}`));
  add(hashString('bias'));

  const indices = Int32Array.from(seen).sort();
  const values = new Float32Array(indices.length).fill(1 / Math.sqrt(indices.length));
  return { indices, values };
}
