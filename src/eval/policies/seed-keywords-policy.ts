import type { ReplayPolicy } from '../routing-policy.js';

/**
 * Reference point, not a contender: the keyword router of the project's seed document,
 * re-implemented faithfully. `classify_task` looks for a handful of keywords; `calculate_score`
 * weighs `1 - cost_per_1k / 0.1`, `1 - latency_ms / 5000` and a capability picked by the keyword
 * class, and the highest score wins (the first on ties, like Python's `max`). The seed's profiles
 * name other models, so each evaluated model's profile is filled from the training data: price per
 * 1k prompt tokens, and mean training score on prompts the keywords call coding (coding
 * capability) or not (reasoning capability). Replay has no latencies, so every model declares the
 * same one and that term cancels. The knob is the seed's `budget_priority`, with
 * `latency_priority` at its default 0.3 and `quality_priority = 0.7 - budget_priority`.
 */
const REASONING_KEYWORDS = ['explain', 'why', 'analyze', 'reason'];
const CODING_KEYWORDS = ['code', 'function', 'implement', 'debug'];
const LONG_CONTEXT_TOKENS = 50_000;
const DECLARED_LATENCY_MS = 1_000;
const LATENCY_PRIORITY = 0.3;
const KNOBS = Array.from({ length: 15 }, (_, i) => Math.round(i * 5) / 100);

interface SeedProfile {
  name: string;
  costPer1kTokens: number;
  latencyMs: number;
  maxContextTokens: number;
  reasoningCapability: number;
  codingCapability: number;
}

type SeedTaskType = 'reasoning' | 'coding' | 'general';

export function classifyTask(prompt: string, contextLength: number): { isReasoning: boolean; isCoding: boolean; isLongContext: boolean; complexity: string } {
  const lower = prompt.toLowerCase();
  const isReasoning = REASONING_KEYWORDS.some((k) => lower.includes(k));
  const isCoding = CODING_KEYWORDS.some((k) => lower.includes(k));
  const isLongContext = contextLength > LONG_CONTEXT_TOKENS;
  let complexity = 'simple';
  if (isReasoning || isCoding) complexity = 'complex';
  if (isLongContext) complexity = 'very_complex';
  return { isReasoning, isCoding, isLongContext, complexity };
}

export function calculateScore(profile: SeedProfile, taskType: SeedTaskType, budgetPriority: number, latencyPriority: number, qualityPriority: number): number {
  const costScore = 1 - profile.costPer1kTokens / 0.1;
  const latencyScore = 1 - profile.latencyMs / 5000;
  let qualityScore: number;
  if (taskType === 'reasoning') qualityScore = profile.reasoningCapability;
  else if (taskType === 'coding') qualityScore = profile.codingCapability;
  else qualityScore = (profile.reasoningCapability + profile.codingCapability) / 2;
  return costScore * budgetPriority + latencyScore * latencyPriority + qualityScore * qualityPriority;
}

/** The seed's rough token count: four characters per token. */
function contextLengthOf(prompt: string): number {
  return Math.ceil(prompt.length / 4);
}

export const seedKeywordsPolicy: ReplayPolicy = {
  name: 'seed-keywords',
  fit({ train, models }) {
    const profiles: SeedProfile[] = models.map((name) => {
      let cost = 0;
      let tokens = 0;
      const coding = { sum: 0, n: 0 };
      const other = { sum: 0, n: 0 };
      for (const e of train) {
        const o = e.outcomes[name];
        if (!o) continue;
        cost += o.cost;
        tokens += contextLengthOf(e.prompt);
        const bucket = classifyTask(e.prompt, contextLengthOf(e.prompt)).isCoding ? coding : other;
        bucket.sum += o.score;
        bucket.n += 1;
      }
      const overall = (coding.sum + other.sum) / Math.max(1, coding.n + other.n);
      return {
        name,
        costPer1kTokens: tokens > 0 ? (cost / tokens) * 1000 : 0,
        latencyMs: DECLARED_LATENCY_MS,
        maxContextTokens: Number.POSITIVE_INFINITY,
        reasoningCapability: other.n > 0 ? other.sum / other.n : overall,
        codingCapability: coding.n > 0 ? coding.sum / coding.n : overall,
      };
    });
    return {
      knobs: KNOBS,
      defaultKnob: 0.3,
      choose(example) {
        const contextLength = contextLengthOf(example.prompt);
        const task = classifyTask(example.prompt, contextLength);
        const taskType: SeedTaskType = task.isReasoning ? 'reasoning' : task.isCoding ? 'coding' : 'general';
        return KNOBS.map((budget) => {
          let best: SeedProfile | undefined;
          let bestScore = -Infinity;
          for (const p of profiles) {
            if (contextLength > p.maxContextTokens) continue;
            const score = calculateScore(p, taskType, budget, LATENCY_PRIORITY, 0.7 - budget);
            if (score > bestScore) {
              best = p;
              bestScore = score;
            }
          }
          // The seed falls back to its most capable model when nothing fits the context.
          return best?.name ?? mostCapable(profiles);
        });
      },
    };
  },
};

function mostCapable(profiles: readonly SeedProfile[]): string {
  return [...profiles].sort((a, b) => b.reasoningCapability - a.reasoningCapability)[0]?.name ?? '';
}
