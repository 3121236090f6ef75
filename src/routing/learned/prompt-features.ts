/**
 * Features of a prompt that predict how hard it is for a model, computed in-process in a few
 * microseconds. Few-shot prompts repeat the same worked examples for every item, so everything
 * except the shot count is measured on the final question only: otherwise the examples drown the
 * signal and the features merely rediscover the benchmark. Training and inference share this
 * function; changing it requires retraining (`switchyard train-router`).
 */
export interface PromptFeatures {
  /** Dense, unscaled values in the order of `DENSE_FEATURE_NAMES`. */
  dense: Float64Array;
  /** Hashed word unigrams and bigrams of the final question (bucket numbers, deduplicated). */
  hashed: Int32Array;
}

export const DENSE_FEATURE_NAMES = [
  'log-question-chars',
  'log-question-words',
  'log-prompt-chars',
  'shots',
  'options',
  'log-mean-option-chars',
  'option-length-spread',
  'option-word-overlap',
  'option-stem-overlap',
  'options-capitalized',
  'options-numeric',
  'blank',
  'log-digits',
  'math-symbols',
  'negations',
  'question-words',
  'superlatives',
  'comparatives',
  'causal-words',
  'contrast-words',
  'clauses',
  'sentences',
  'mean-word-length',
  'long-word-share',
  'type-token-ratio',
  'code-terms',
  'code-syntax',
  'quoted',
  'mean-rarity',
  'max-rarity',
  'rare-word-share',
  'blank-near-end',
  'pronouns',
] as const;

const WORD = /[a-z0-9_']+/g;
const OPTION_LINE = /^\s*\(?([A-Ha-h])[).:]\s*(.*)$/;
const SHOT_MARKER = /Answer:\s*\S/g;
const NEGATION = /\b(?:not|no|never|none|except|least|cannot|without|neither|nor)\b|n't\b/g;
const QUESTION_WORD = /\b(?:which|what|why|how|where|when|who)\b/g;
const SUPERLATIVE = /\b(?:most|best|least|greatest|largest|smallest|first|last)\b|\b\w+est\b/g;
const COMPARATIVE = /\b(?:more|less|fewer|better|worse|than|rather)\b|\b\w{3,}er than\b/g;
const CAUSAL = /\b(?:because|since|so|therefore|thus|hence|cause[sd]?|result(?:s|ed)?|due)\b/g;
const CONTRAST = /\b(?:but|although|though|however|while|whereas|despite|instead|yet)\b/g;
const CLAUSE = /[,;:]|\b(?:and|or|if|then|that|which)\b/g;
const SENTENCE_END = /[.?!](?:\s|$)/g;
const MATH_SYMBOL = /[=+*/^%<>]|\b(?:sum|product|square|root|divisible|prime|factorial|fibonacci)\b/g;
const CODE_TERM =
  /\b(?:function|list|lists|string|strings|array|tuple|tuples|dictionary|dict|regex|matrix|recursion|recursive|sort|sorted|sorting|binary|index|element|elements|integer|integers|substring|characters?|nth|sequence|number|numbers|digits?|count|python|return|given)\b/g;
const CODE_SYNTAX = /[{}[\]();]|==|=>|!=|\bdef\b|\breturn\b|_/g;
const QUOTED = /["'`][^"'`\n]{1,40}["'`]/g;
const PRONOUN = /\b(?:he|she|they|him|her|them|his|hers|their|it|its)\b/g;

/** Document frequencies of hashed words, to tell domain vocabulary from everyday words. */
export interface RarityTable {
  buckets: number;
  /** Inverse document frequency per bucket; unseen buckets count as the rarest seen. */
  idf: Float64Array;
  maxIdf: number;
}

export function hashWord(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The final question of a few-shot prompt, or the whole prompt when it has no worked examples. */
export function finalQuestion(prompt: string): { question: string; shots: number } {
  const shots = (prompt.match(SHOT_MARKER) ?? []).length;
  if (shots === 0) return { question: prompt.trim(), shots: 0 };
  const blocks = prompt.trim().split(/\n\s*\n/);
  // Instruction-only blocks ("Please answer with the letter…") belong to the question after them.
  let question = blocks[blocks.length - 1] ?? '';
  for (let i = blocks.length - 2; i >= 0 && question.length < 40; i -= 1) question = `${blocks[i] ?? ''}\n${question}`;
  return { question: question.trim(), shots };
}

/** Words of a text, lower-cased; used for hashing, rarity and overlap. */
export function words(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

export function extractPromptFeatures(prompt: string, options: { hashBuckets: number; rarity?: RarityTable }): PromptFeatures {
  const { question, shots } = finalQuestion(prompt);
  const lines = question.split('\n');
  const optionTexts: string[] = [];
  const stemLines: string[] = [];
  for (const line of lines) {
    const match = OPTION_LINE.exec(line);
    if (match) optionTexts.push(match[2] ?? '');
    else if (!/^\s*(?:Print only|Answer:|Please answer)/i.test(line)) stemLines.push(line);
  }
  const stem = stemLines.join('\n');
  const lower = stem.toLowerCase();
  const stemWords = words(stem);
  const wordCount = Math.max(1, stemWords.length);

  const optionWordSets = optionTexts.map((o) => new Set(words(o)));
  const stemSet = new Set(stemWords);
  let pairOverlap = 0;
  let pairs = 0;
  for (let i = 0; i < optionWordSets.length; i += 1) {
    for (let j = i + 1; j < optionWordSets.length; j += 1) {
      pairOverlap += jaccard(optionWordSets[i] ?? new Set(), optionWordSets[j] ?? new Set());
      pairs += 1;
    }
  }
  let inStem = 0;
  let optionWordTotal = 0;
  for (const set of optionWordSets) {
    for (const w of set) {
      optionWordTotal += 1;
      if (stemSet.has(w)) inStem += 1;
    }
  }
  const optionLengths = optionTexts.map((o) => o.length);
  const meanOptionLength = optionLengths.length ? optionLengths.reduce((a, b) => a + b, 0) / optionLengths.length : 0;
  const spread = optionLengths.length ? (Math.max(...optionLengths) - Math.min(...optionLengths)) / Math.max(1, meanOptionLength) : 0;
  const capitalized = optionTexts.filter((o) => /^[A-Z][a-z]+$/.test(o.trim())).length;
  const numeric = optionTexts.filter((o) => /\d/.test(o)).length;

  let longWords = 0;
  let letters = 0;
  for (const w of stemWords) {
    letters += w.length;
    if (w.length >= 8) longWords += 1;
  }
  let raritySum = 0;
  let rarityMax = 0;
  let rare = 0;
  if (options.rarity) {
    const { idf, buckets, maxIdf } = options.rarity;
    for (const w of stemWords) {
      const value = idf[hashWord(`w:${w}`) % buckets] ?? maxIdf;
      raritySum += value;
      rarityMax = Math.max(rarityMax, value);
      if (value > maxIdf * 0.7) rare += 1;
    }
  }
  const blankAt = stem.indexOf('_');

  const dense = Float64Array.from([
    Math.log1p(stem.length),
    Math.log1p(stemWords.length),
    Math.log1p(prompt.length),
    Math.min(shots, 10),
    optionTexts.length,
    Math.log1p(meanOptionLength),
    spread,
    pairs ? pairOverlap / pairs : 0,
    optionWordTotal ? inStem / optionWordTotal : 0,
    optionTexts.length ? capitalized / optionTexts.length : 0,
    optionTexts.length ? numeric / optionTexts.length : 0,
    blankAt >= 0 ? 1 : 0,
    Math.log1p((stem.match(/\d/g) ?? []).length),
    count(stem, MATH_SYMBOL),
    count(lower, NEGATION),
    count(lower, QUESTION_WORD),
    count(lower, SUPERLATIVE),
    count(lower, COMPARATIVE),
    count(lower, CAUSAL),
    count(lower, CONTRAST),
    count(lower, CLAUSE) / wordCount,
    count(stem, SENTENCE_END),
    letters / wordCount,
    longWords / wordCount,
    stemSet.size / wordCount,
    count(lower, CODE_TERM),
    count(stem, CODE_SYNTAX),
    count(stem, QUOTED),
    raritySum / wordCount,
    rarityMax,
    rare / wordCount,
    blankAt >= 0 ? blankAt / Math.max(1, stem.length) : 0,
    count(lower, PRONOUN),
  ]);

  const hashed = new Set<number>();
  let previous = '^';
  for (const w of stemWords) {
    hashed.add(hashWord(`w:${w}`) % options.hashBuckets);
    hashed.add(hashWord(`b:${previous} ${w}`) % options.hashBuckets);
    previous = w;
  }
  return { dense, hashed: Int32Array.from(hashed) };
}

function count(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let n = 0;
  while (pattern.exec(text) !== null) n += 1;
  return n;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared += 1;
  return shared / (a.size + b.size - shared);
}

/** Builds the rarity table from a corpus of prompts (their final questions). */
export function buildRarityTable(prompts: readonly string[], buckets: number): RarityTable {
  const df = new Float64Array(buckets);
  for (const prompt of prompts) {
    const seen = new Set<number>();
    for (const w of words(finalQuestion(prompt).question)) seen.add(hashWord(`w:${w}`) % buckets);
    for (const b of seen) df[b] = (df[b] ?? 0) + 1;
  }
  const n = Math.max(1, prompts.length);
  const maxIdf = Math.log((n + 1) / 1);
  const idf = new Float64Array(buckets);
  for (let i = 0; i < buckets; i += 1) idf[i] = Math.log((n + 1) / ((df[i] ?? 0) + 1));
  return { buckets, idf, maxIdf };
}
