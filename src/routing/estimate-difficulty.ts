import type { TaskType } from '../spec/index.js';

/**
 * How hard a request is, in [0, 1], from signals we can read in microseconds. The signals:
 *
 * - `task`: a prior per task type; multi-step math and reasoning fail more often than chat.
 * - `length`: prompt tokens on a log scale (30 tokens -> 0, 3,000 -> 1); long inputs carry more
 *   to keep straight.
 * - `reasoning`: asks for proofs, derivations, trade-offs, step-by-step analysis, comparisons.
 * - `math`: numbers, operators and LaTeX per prompt, a proxy for the number of steps.
 * - `code`: lines that look like code (fences, braces, definitions) and fenced blocks.
 * - `constraints`: list items and requirement phrases ("must", "at most", "without"...).
 * - `uncertainty`: 1 - classifier confidence; prompts unlike anything seen tend to be unusual.
 * - `fewShot`: worked examples in the prompt or earlier turns; they make the pattern explicit,
 *   so this one lowers difficulty.
 *
 * Weights were set by hand so that each signal alone moves the estimate a bounded amount, and
 * a terse greeting lands below 0.15, an ordinary coding request near 0.5 and a long
 * proof request near 0.9. A learned
 * difficulty model can replace this function without changing its inputs.
 */
export interface DifficultySignals {
  task: number;
  length: number;
  reasoning: number;
  math: number;
  code: number;
  constraints: number;
  uncertainty: number;
  fewShot: number;
}

export interface DifficultyEstimate {
  difficulty: number;
  signals: DifficultySignals;
}

const TASK_PRIOR: Readonly<Record<TaskType, number>> = {
  math: 0.6,
  reasoning: 0.55,
  coding: 0.55,
  knowledge: 0.35,
  extraction: 0.3,
  summarization: 0.3,
  creative: 0.3,
  translation: 0.25,
  chat: 0.1,
};

const WEIGHTS: Readonly<DifficultySignals> = {
  task: 0.75,
  length: 0.15,
  reasoning: 0.15,
  math: 0.1,
  code: 0.1,
  constraints: 0.1,
  uncertainty: 0.1,
  fewShot: -0.08,
};

/** The keys of `WEIGHTS`, listed once rather than by `Object.keys` on every estimate (same order). */
const SIGNAL_KEYS = Object.keys(WEIGHTS) as readonly (keyof DifficultySignals)[];

const REASONING_CUES =
  /\b(prove|proof|derive|derivation|justify|step[- ]by[- ]step|trade-?offs?|analy[sz]e|compare|contrast|why|optimi[sz]e|edge cases?|complexity|rigorous|counterexample|implications?|evaluate|critique)\b/gi;
const CONSTRAINT_CUES =
  /\b(must|should|at least|at most|no more than|exactly|without|only|never|always|do not|don't|make sure|ensure|required?)\b/gi;
const LIST_ITEM = /^\s*(?:[-*•]|\d+[.)])\s+/gm;
const NUMBER = /\b\d+(?:[.,]\d+)?\b/g;
const MATH_SYMBOL = /[=+*/^<>≤≥∑∫√π]|\\(?:frac|sqrt|sum|int|cdot|pi|le|ge|binom|log|sin|cos)/g;
const CODE_LINE = /^.*(?:[{};]\s*$|^\s*(?:def|class|function|const|let|var|import|return|public|private|fn|func|for|while|if)\b).*$/gm;
const FENCE = /```/g;
const FEW_SHOT_CUES = /^\s*(?:example\s*\d*|input|output|q|a|question|answer)\s*:/gim;

function count(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let n = 0;
  while (pattern.exec(text) !== null) n += 1;
  return n;
}

function saturate(x: number, full: number): number {
  return x <= 0 ? 0 : x >= full ? 1 : x / full;
}

/** Text is capped so that a long document costs the same microseconds as a page. */
const MAX_SCAN_CHARS = 8_000;

export interface DifficultyInput {
  text: string;
  task: TaskType;
  inputTokens: number;
  /** Classifier confidence; 1 when the caller named the task. */
  taskConfidence: number;
  /** Earlier assistant turns: worked examples when the caller primes the model with them. */
  priorAssistantTurns: number;
}

export function estimateDifficulty(input: DifficultyInput): DifficultyEstimate {
  const signals = readSignals(input, { task: 0, length: 0, reasoning: 0, math: 0, code: 0, constraints: 0, uncertainty: 0, fewShot: 0 });
  return { difficulty: weigh(signals), signals };
}

/**
 * `estimateDifficulty(input).difficulty`, for callers that do not show the signals (routing):
 * they are read into one scratch record instead of a new one per request.
 */
export function difficultyOf(input: DifficultyInput): number {
  return weigh(readSignals(input, scratchSignals));
}

const scratchSignals: DifficultySignals = { task: 0, length: 0, reasoning: 0, math: 0, code: 0, constraints: 0, uncertainty: 0, fewShot: 0 };

function readSignals(input: DifficultyInput, into: DifficultySignals): DifficultySignals {
  const cues = textCues(input.text);
  const fewShotMarks = cues.fewShot + 2 * input.priorAssistantTurns;
  into.task = TASK_PRIOR[input.task];
  into.length = saturate(Math.log10(Math.max(1, input.inputTokens) / 30), 2);
  into.reasoning = saturate(cues.reasoning, 4);
  into.math = saturate(cues.math, 16);
  into.code = saturate(cues.code, 30);
  into.constraints = saturate(cues.constraints, 8);
  into.uncertainty = 1 - Math.min(1, Math.max(0, input.taskConfidence));
  into.fewShot = saturate(fewShotMarks - 1, 4);
  return into;
}

function weigh(signals: DifficultySignals): number {
  let sum = 0;
  for (const key of SIGNAL_KEYS) sum += WEIGHTS[key] * signals[key];
  return Math.round(Math.min(1, Math.max(0, sum)) * 1000) / 1000;
}

/** What the text itself says, before saturation: counts of cue matches. */
interface TextCues {
  fewShot: number;
  reasoning: number;
  math: number;
  code: number;
  constraints: number;
}

function scanText(full: string): TextCues {
  const text = full.length > MAX_SCAN_CHARS ? full.slice(0, MAX_SCAN_CHARS / 2) + full.slice(-MAX_SCAN_CHARS / 2) : full;
  return {
    fewShot: count(text, FEW_SHOT_CUES),
    reasoning: count(text, REASONING_CUES),
    math: count(text, NUMBER) + 2 * count(text, MATH_SYMBOL),
    code: count(text, CODE_LINE) + 3 * Math.floor(count(text, FENCE) / 2),
    constraints: count(text, CONSTRAINT_CUES) + count(text, LIST_ITEM),
  };
}

/*
 * The seven regular expressions are most of a routing decision's time on a short prompt, and
 * templated traffic sends the same system prompt and question over and over (the classifier's
 * predictions are memoized the same way, in analyze-request.ts). Cues of texts up to 4 kB are
 * kept, oldest dropped first past the bound.
 */
const CUES_MEMO_MAX_CHARS = 4096;
const CUES_MEMO_ENTRIES = 512;
const cuesMemo = new Map<string, TextCues>();

function textCues(text: string): TextCues {
  if (text.length > CUES_MEMO_MAX_CHARS) return scanText(text);
  const known = cuesMemo.get(text);
  if (known !== undefined) return known;
  const cues = scanText(text);
  if (cuesMemo.size >= CUES_MEMO_ENTRIES) {
    const oldest = cuesMemo.keys().next();
    if (oldest.done !== true) cuesMemo.delete(oldest.value);
  }
  cuesMemo.set(text, cues);
  return cues;
}
