import type { ChatRequest, Decision, ExcludedCandidate, LiveStats, ModelProfile, RequestProfile } from '../spec/index.js';
import { analyzeRequest, type AnalyzeRequestDeps } from './analyze-request.js';
import { applyBudgetPressure } from './apply-budget-pressure.js';
import { checkHardConstraints, type ConstraintContext } from './check-hard-constraints.js';
import { catalogCostEstimator, type CostEstimator } from './cost-estimator.js';
import { effectiveWeights, type EffectiveWeights } from './effective-weights.js';
import { estimateLatency } from './estimate-latency.js';
import { estimateReliability } from './estimate-reliability.js';
import { formatUsd } from './format-usd.js';
import type { Policy } from './policy.js';
import { profileQualityEstimator, type QualityEstimator } from './quality-estimator.js';
import { scoreCandidates, type CandidateEstimates } from './score-candidates.js';

export interface DecideInput {
  request: ChatRequest;
  /** Computed with `analyzeRequest` (and `deps`) when absent. */
  profile?: RequestProfile;
  candidates: readonly ModelProfile[];
  stats: ReadonlyMap<string, LiveStats>;
  policy: Policy;
  /** What the client asked for (`auto`, `router/best`, an alias). */
  requested: string;
  id?: string;
  /** The caller's budget, when accounting knows it; a budget-aware policy reacts to it. */
  budget?: { remainingUsd?: number; remainingFraction?: number; label?: string };
  deps?: DecideDeps;
}

export interface DecideDeps extends AnalyzeRequestDeps {
  cost?: CostEstimator;
  quality?: QualityEstimator;
  /** Decision ids; defaults to a random UUID. */
  newId?: () => string;
  /** Microsecond clock for `elapsedUs`; defaults to `performance.now`. */
  nowUs?: () => number;
}

/**
 * Ranks the candidate deployments for one request. Pure: no I/O, no clock except the optional
 * one for `elapsedUs`. Hard constraints exclude candidates with a reason each; the rest are
 * scored on cost, latency, quality and reliability and ranked best first. An empty
 * `candidates` list in the result means nothing can serve the request; `excluded` says why.
 */
export function decide(input: DecideInput): Decision {
  const deps = input.deps ?? {};
  const nowUs = deps.nowUs ?? defaultNowUs;
  const started = nowUs();
  const profile = input.profile ?? analyzeRequest(input.request, deps);
  const cost = deps.cost ?? catalogCostEstimator;
  const quality = deps.quality ?? profileQualityEstimator;
  const wishes = input.request.routing;

  const excluded: ExcludedCandidate[] = [];
  const eligible: CandidateEstimates[] = [];
  // One of each for the whole decision, refilled per candidate: neither callee keeps its input.
  const tokens = { inputTokens: profile.inputTokens, outputTokens: 0 };
  const constraints: ConstraintContext = {
    request: profile,
    wishes,
    policy: input.policy.constraints,
    stats: undefined,
    estimatedCostUsd: 0,
    estimatedLatencyMs: 0,
    budgetRemainingUsd: input.budget?.remainingUsd,
  };
  for (const candidate of input.candidates) {
    const stats = input.stats.get(candidate.id);
    const outputTokens = Math.min(profile.expectedOutputTokens, candidate.maxOutputTokens);
    const estimatedCostUsd = cost.estimateRequestCostUsd(candidate, profile.inputTokens, outputTokens);
    tokens.outputTokens = outputTokens;
    const latency = estimateLatency(candidate, stats, tokens);
    constraints.stats = stats;
    constraints.estimatedCostUsd = estimatedCostUsd;
    constraints.estimatedLatencyMs = latency.totalMs;
    const exclusion = checkHardConstraints(candidate, constraints);
    if (exclusion) {
      excluded.push(exclusion);
      continue;
    }
    const expected = quality.estimate({ profile: candidate, request: profile });
    const reliability = estimateReliability(stats);
    // Failed attempts are retried elsewhere, so a flaky deployment's time to a good answer
    // stretches by the expected number of tries.
    const latencyMs = latency.totalMs / Math.max(0.05, reliability.value);
    eligible.push({
      deploymentId: candidate.id,
      estimatedCostUsd,
      maxCostUsd: cost.maxRequestCostUsd(candidate, profile.inputTokens, profile.maxOutputTokens),
      estimatedLatencyMs: latencyMs,
      expectedQuality: expected.quality,
      reliability: reliability.value,
      reasons: [
        `cost ~$${formatUsd(estimatedCostUsd)} for ${profile.inputTokens} in + ${outputTokens} out tokens`,
        `latency ~${Math.round(latencyMs)} ms (TTFT ${Math.round(latency.ttftMs)} ms ${latency.basis}, retries included)`,
        `quality ${expected.quality.toFixed(2)} from ${expected.basis}, difficulty ${profile.difficulty.toFixed(2)}`,
        `reliability ${(reliability.value * 100).toFixed(1)}% (${reliability.detail})`,
      ],
    });
  }

  const weighting =
    wishes?.priorities === undefined && input.budget?.remainingFraction === undefined
      ? plainWeighting(input.policy, profile.difficulty)
      : effectiveWeights({
          policy: input.policy,
          priorities: wishes?.priorities,
          difficulty: profile.difficulty,
          budgetRemainingFraction: input.budget?.remainingFraction,
        });
  let candidates = scoreCandidates(eligible, weighting.weights, weighting.adequacyFloor, weighting.qualityTolerance);
  let pressureReasons: readonly string[] | undefined;
  if (input.policy.budgetAware && input.policy.budgetLevels !== undefined && input.budget?.remainingFraction !== undefined) {
    const pressured = applyBudgetPressure({
      ...input.policy.budgetLevels,
      candidates,
      profile,
      remainingShare: input.budget.remainingFraction,
      ...(input.budget.label === undefined ? {} : { budgetLabel: input.budget.label }),
    });
    candidates = pressured.candidates;
    pressureReasons = pressured.reasons;
  }

  const reasons: string[] = [
    describeTask(profile),
    describePolicy(input.policy.name, weighting.weights),
  ];
  for (const reason of weighting.reasons) reasons.push(reason);
  if (pressureReasons !== undefined) for (const reason of pressureReasons) reasons.push(reason);
  const best = candidates[0];
  if (best) {
    reasons.push(`${best.deploymentId} ranks first: ${strongestParts(best.parts)}`);
  } else {
    reasons.push(
      input.candidates.length === 0
        ? 'no deployments to choose from'
        : `no deployment can serve the request: ${summarizeExclusions(excluded)}`,
    );
  }
  if (excluded.length > 0 && best) reasons.push(`excluded ${excluded.length}: ${summarizeExclusions(excluded)}`);

  return {
    id: input.id ?? (deps.newId ?? defaultNewId)(),
    requested: input.requested,
    policy: input.policy.name,
    profile,
    candidates,
    excluded,
    reasons,
    elapsedUs: Math.max(0, Math.round(nowUs() - started)),
  };
}

function defaultNowUs(): number {
  return performance.now() * 1000;
}

function defaultNewId(): string {
  return crypto.randomUUID();
}

type Weights = Decision['candidates'][number]['parts']['weights'];

interface KeptWeighting {
  difficulty: number;
  weights: Policy['weights'];
  cost: number;
  latency: number;
  quality: number;
  reliability: number;
  difficultyBoost: number | undefined;
  adequacyFloor: number | undefined;
  qualityTolerance: number | undefined;
  weighting: EffectiveWeights;
}

/*
 * Without the caller's priorities or a budget share, a decision's weighting depends only on the
 * policy and the difficulty, which repeats from one request to the next under templated traffic.
 * The last one is kept per policy, with the policy fields it was computed from (a changed field
 * computes it again). Decisions that use it share its weights object, as the candidates of one
 * decision already do; its reasons are copied into each decision's own list.
 */
const keptWeightings = new WeakMap<Policy, KeptWeighting>();

function plainWeighting(policy: Policy, difficulty: number): EffectiveWeights {
  const w = policy.weights;
  const kept = keptWeightings.get(policy);
  if (
    kept !== undefined &&
    kept.difficulty === difficulty &&
    kept.weights === w &&
    kept.cost === w.cost &&
    kept.latency === w.latency &&
    kept.quality === w.quality &&
    kept.reliability === w.reliability &&
    kept.difficultyBoost === policy.difficultyBoost &&
    kept.adequacyFloor === policy.adequacyFloor &&
    kept.qualityTolerance === policy.qualityTolerance
  ) {
    return kept.weighting;
  }
  const weighting = effectiveWeights({ policy, priorities: undefined, difficulty });
  keptWeightings.set(policy, {
    difficulty,
    weights: w,
    cost: w.cost,
    latency: w.latency,
    quality: w.quality,
    reliability: w.reliability,
    difficultyBoost: policy.difficultyBoost,
    adequacyFloor: policy.adequacyFloor,
    qualityTolerance: policy.qualityTolerance,
    weighting,
  });
  return weighting;
}

/*
 * The task and policy lines repeat from one decision to the next (the weights move only with the
 * caller's priorities, the difficulty and the budget; templated traffic repeats task and
 * difficulty), and formatting their numbers took 5 % of a one-candidate decision: the last line
 * of each is kept with the values it describes.
 */
let describedPolicy = { name: '', cost: Number.NaN, latency: Number.NaN, quality: Number.NaN, reliability: Number.NaN, text: '' };

function describePolicy(name: string, w: Weights): string {
  const last = describedPolicy;
  if (name !== last.name || w.cost !== last.cost || w.latency !== last.latency || w.quality !== last.quality || w.reliability !== last.reliability) {
    const text = `policy ${name}: weights cost ${w.cost.toFixed(2)}, latency ${w.latency.toFixed(2)}, quality ${w.quality.toFixed(2)}, reliability ${w.reliability.toFixed(2)}`;
    describedPolicy = { name, cost: w.cost, latency: w.latency, quality: w.quality, reliability: w.reliability, text };
  }
  return describedPolicy.text;
}

let describedTask = { task: '', source: '', confidence: Number.NaN, difficulty: Number.NaN, text: '' };

function describeTask(profile: RequestProfile): string {
  const last = describedTask;
  if (profile.task !== last.task || profile.taskSource !== last.source || profile.taskConfidence !== last.confidence || profile.difficulty !== last.difficulty) {
    const text = `task ${profile.task} (${profile.taskSource}${profile.taskSource === 'classifier' ? `, confidence ${profile.taskConfidence.toFixed(2)}` : ''}), difficulty ${profile.difficulty.toFixed(2)}`;
    describedTask = { task: profile.task, source: profile.taskSource, confidence: profile.taskConfidence, difficulty: profile.difficulty, text };
  }
  return describedTask.text;
}

const PART_KEYS = ['cost', 'latency', 'quality', 'reliability'] as const;

/**
 * The two parts that contribute most to the score, largest first, ties in the order of
 * `PART_KEYS` (as a stable sort would give them). Picked without sorting: this runs for the
 * winner of every decision.
 */
function strongestParts(parts: Decision['candidates'][number]['parts']): string {
  let first = 0;
  for (let index = 1; index < PART_KEYS.length; index += 1) if (contribution(parts, index) > contribution(parts, first)) first = index;
  let second = first === 0 ? 1 : 0;
  for (let index = second + 1; index < PART_KEYS.length; index += 1) {
    if (index !== first && contribution(parts, index) > contribution(parts, second)) second = index;
  }
  const a = PART_KEYS[first] as (typeof PART_KEYS)[number];
  const b = PART_KEYS[second] as (typeof PART_KEYS)[number];
  const last = strongest;
  // The winner's parts repeat as often as the decision does (a single candidate scores 1 on each).
  if (a !== last.a || b !== last.b || parts[a] !== last.valueA || parts[b] !== last.valueB) {
    strongest = { a, b, valueA: parts[a], valueB: parts[b], text: `${a} ${parts[a].toFixed(2)}, ${b} ${parts[b].toFixed(2)}` };
  }
  return strongest.text;
}

let strongest = { a: '', b: '', valueA: Number.NaN, valueB: Number.NaN, text: '' };

function contribution(parts: Decision['candidates'][number]['parts'], index: number): number {
  const key = PART_KEYS[index] as (typeof PART_KEYS)[number];
  return parts[key] * parts.weights[key];
}

function summarizeExclusions(excluded: readonly ExcludedCandidate[]): string {
  return excluded.map((e) => `${e.deploymentId} (${e.reason})`).join(', ');
}
