import type { ModelProfile } from '../spec/model-profile.js';
import type { TaskType } from '../spec/task-type.js';

type Quality = ModelProfile['quality'];

/**
 * Published benchmark results per model family, as the vendors reported them at launch (model
 * cards and launch posts), in percent; the Arena rating is the LMSYS Chatbot Arena Elo of late
 * 2024, rounded to the nearest 5. These are priors for routing, not claims about any one
 * prompt: config overrides them and the learned quality model replaces them.
 */
export interface BenchmarkScores {
  /** MMLU (5-shot unless noted). */
  mmlu?: number;
  /** HumanEval pass@1. */
  humanEval?: number;
  /** MATH (0-shot CoT). */
  math?: number;
  /** GPQA (diamond or main, as reported). */
  gpqa?: number;
  /** DROP F1: reading comprehension over a passage. */
  drop?: number;
  /** MGSM: grade-school math in ten languages. */
  mgsm?: number;
  arenaElo?: number;
}

/**
 * Which benchmark stands for which task type. The closest widely reported proxy is used where no
 * benchmark measures the task itself (summarization, extraction, translation, creative writing).
 */
const TASK_BENCHMARKS: Record<TaskType, (s: BenchmarkScores) => number | undefined> = {
  knowledge: (s) => pct(s.mmlu),
  coding: (s) => pct(s.humanEval),
  math: (s) => pct(s.math),
  reasoning: (s) => pct(s.gpqa),
  summarization: (s) => pct(s.drop),
  extraction: (s) => pct(s.drop),
  translation: (s) => pct(s.mgsm),
  // Elo 1000 maps to 0 and 1400 to 1: wide enough for every model in the table.
  creative: (s) => (s.arenaElo === undefined ? undefined : clamp01((s.arenaElo - 1000) / 400)),
  chat: (s) => (s.arenaElo === undefined ? undefined : clamp01((s.arenaElo - 1000) / 400)),
};

const GPT_4O_MINI: BenchmarkScores = { mmlu: 82.0, humanEval: 87.2, math: 70.2, gpqa: 40.2, drop: 79.7, mgsm: 87.0, arenaElo: 1275 }; // OpenAI, GPT-4o mini launch post, July 2024
const GPT_4O: BenchmarkScores = { mmlu: 88.7, humanEval: 90.2, math: 76.6, gpqa: 53.6, drop: 83.4, mgsm: 90.5, arenaElo: 1285 }; // OpenAI, "Hello GPT-4o", May 2024
const CLAUDE_35_SONNET: BenchmarkScores = { mmlu: 88.7, humanEval: 93.7, math: 78.3, gpqa: 65.0, drop: 87.1, mgsm: 91.6, arenaElo: 1285 }; // Anthropic, Claude 3.5 Sonnet (Oct 2024) table; MMLU from the June release
const CLAUDE_35_HAIKU: BenchmarkScores = { humanEval: 88.1, math: 69.2, gpqa: 41.6, drop: 83.1, mgsm: 85.6, arenaElo: 1235 }; // Anthropic, Claude 3.5 Haiku launch table (no MMLU reported)
const GEMINI_15_FLASH: BenchmarkScores = { mmlu: 78.9, humanEval: 74.3, math: 54.9, gpqa: 39.5, mgsm: 75.5, arenaElo: 1225 }; // Google, Gemini 1.5 report (May 2024)
const LLAMA_31_8B: BenchmarkScores = { mmlu: 69.4, humanEval: 72.6, math: 51.9, gpqa: 30.4, mgsm: 68.9, arenaElo: 1175 }; // Meta, Llama 3.1 8B Instruct model card
const LLAMA_31_70B: BenchmarkScores = { mmlu: 83.6, humanEval: 80.5, math: 68.0, gpqa: 41.7, mgsm: 86.9, arenaElo: 1250 }; // Meta, Llama 3.1 70B Instruct model card

/**
 * Benchmark rows by model family (see model-families.ts). Newer families without a row of their
 * own reuse their predecessor's numbers as a floor, which under-rates them rather than guessing.
 */
export const FAMILY_BENCHMARKS: Readonly<Record<string, BenchmarkScores>> = {
  'gpt-4o': GPT_4O,
  'gpt-4o-mini': GPT_4O_MINI,
  'gpt-4.1': GPT_4O, // floor: GPT-4o
  'gpt-4.1-small': GPT_4O_MINI, // floor for mini and nano: GPT-4o mini
  'gpt-5': GPT_4O, // floor: GPT-4o
  'gpt-5-small': GPT_4O_MINI, // floor for mini and nano: GPT-4o mini
  'openai-o-series': GPT_4O, // floor: GPT-4o
  'gpt-3.5-turbo': { mmlu: 69.8, humanEval: 68.0, math: 43.3, gpqa: 30.8, drop: 70.2, mgsm: 56.3, arenaElo: 1115 }, // OpenAI simple-evals table
  'claude-3-haiku': { mmlu: 75.2, humanEval: 75.9, math: 38.9, gpqa: 33.3, drop: 78.4, mgsm: 75.1, arenaElo: 1180 }, // Anthropic, Claude 3 model card, March 2024
  'claude-3.5-haiku': CLAUDE_35_HAIKU,
  'claude-haiku': CLAUDE_35_HAIKU, // floor: Claude 3.5 Haiku
  'claude-3.5-sonnet': CLAUDE_35_SONNET,
  'claude-sonnet': CLAUDE_35_SONNET, // floor: Claude 3.5 Sonnet
  'claude-opus': CLAUDE_35_SONNET, // floor: Claude 3.5 Sonnet
  'gemini-1.5-flash': GEMINI_15_FLASH,
  'gemini-2.0-flash': GEMINI_15_FLASH, // floor: Gemini 1.5 Flash (2.0 reports MMLU-Pro, not MMLU)
  'gemini-flash': GEMINI_15_FLASH, // floor: Gemini 1.5 Flash
  'llama-3.1-8b': LLAMA_31_8B,
  'llama-3.1-70b': LLAMA_31_70B,
  'llama-3-8b': { mmlu: 68.4, humanEval: 62.2, math: 30.0, gpqa: 34.2, arenaElo: 1150 }, // Meta, Llama 3 8B Instruct model card
  'llama-3-70b': { mmlu: 82.0, humanEval: 81.7, math: 50.4, gpqa: 39.5, arenaElo: 1205 }, // Meta, Llama 3 70B Instruct model card
};

/**
 * Where a vendor reported no DROP, MMLU stands in for the reading tasks: the two sit within a
 * few points of each other for every model that reports both (GPT-4o mini 82.0/79.7, GPT-3.5
 * Turbo 69.8/70.2, Claude 3 Haiku 75.2/78.4), whereas `default`, the fallback otherwise, mixes
 * in GPQA and Elo-based chat scores and rated such models (Gemini Flash) 0.15-0.2 too low on
 * summarization. Stand-ins fill a task but do not count twice in `default`.
 */
const STAND_INS: Partial<Record<TaskType, (s: BenchmarkScores) => number | undefined>> = {
  summarization: (s) => pct(s.mmlu),
  extraction: (s) => pct(s.mmlu),
};

/** For models with no benchmark row: the middle of the scale, no evidence either way. */
export const UNKNOWN_MODEL_QUALITY = 0.5;

/**
 * Quality per task in [0, 1] for a family, from its benchmark row; `default` is the mean of the
 * tasks it has numbers for. Undefined when the family has no row.
 */
export function benchmarkQuality(family: string): Quality | undefined {
  const scores = FAMILY_BENCHMARKS[family];
  if (!scores) return undefined;
  const quality: Partial<Record<TaskType, number>> = {};
  let sum = 0;
  let count = 0;
  for (const [task, pick] of Object.entries(TASK_BENCHMARKS) as [TaskType, (s: BenchmarkScores) => number | undefined][]) {
    const value = pick(scores);
    if (value === undefined) {
      const standIn = STAND_INS[task]?.(scores);
      if (standIn !== undefined) quality[task] = round2(standIn);
      continue;
    }
    quality[task] = round2(value);
    sum += value;
    count += 1;
  }
  return { ...quality, default: count === 0 ? UNKNOWN_MODEL_QUALITY : round2(sum / count) };
}

function pct(value: number | undefined): number | undefined {
  return value === undefined ? undefined : clamp01(value / 100);
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
