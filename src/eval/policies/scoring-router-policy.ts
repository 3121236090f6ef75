import type { ChatRequest, ModelProfile, RequestProfile, TaskType } from '../../spec/index.js';
import { analyzeRequest, decide, type CostEstimator, type Policy } from '../../routing/index.js';
import { defaultTaskClassifier } from '../../routing/default-task-classifier.js';
import { PromptCostModel } from '../prompt-cost-model.js';
import type { ReplayPolicy } from '../routing-policy.js';
import type { RoutingExample } from '../routing-dataset.js';

const KNOBS = Array.from({ length: 21 }, (_, i) => i / 20);
/** The built-in `balanced` policy's split of cost against quality: 0.28 / (0.28 + 0.43). */
const BALANCED_COST_SHARE = 0.4;
const NO_STATS = new Map();

/**
 * Switchyard's scoring router (`decide`) as it runs in the gateway, with its own request
 * analysis, task classifier, difficulty estimate and profile-table quality estimator. Each
 * evaluated model becomes a deployment profile whose per-task quality table is what `switchyard
 * bench` would measure: the mean training score of the prompts the classifier puts in that task.
 * Replay has no latencies or failures, so those weights are zero; the knob is the cost weight,
 * the rest going to quality, with the `balanced` policy's difficulty boost.
 */
export const scoringRouterPolicy: ReplayPolicy = {
  name: 'scoring',
  fit({ train, models }) {
    const classifier = defaultTaskClassifier();
    const costs = new PromptCostModel(train, models);
    const requestOf = (e: RoutingExample): ChatRequest => ({ model: 'auto', messages: [{ role: 'user', content: e.prompt }] });
    const analyze = (e: RoutingExample): RequestProfile => analyzeRequest(requestOf(e), { classifier });
    const sums = new Map<string, Map<TaskType | 'default', { sum: number; n: number }>>();
    for (const e of train) {
      const task = analyze(e).task;
      for (const m of models) {
        const perTask = sums.get(m) ?? new Map<TaskType | 'default', { sum: number; n: number }>();
        sums.set(m, perTask);
        for (const key of [task, 'default'] as const) {
          const s = perTask.get(key) ?? { sum: 0, n: 0 };
          s.sum += e.outcomes[m]?.score ?? 0;
          s.n += 1;
          perTask.set(key, s);
        }
      }
    }
    const profiles: ModelProfile[] = models.map((m) => {
      const quality: ModelProfile['quality'] = { default: 0.5 };
      for (const [task, s] of sums.get(m) ?? []) quality[task] = s.n > 0 ? s.sum / s.n : 0.5;
      return replayProfile(m, quality);
    });
    const policies = KNOBS.map(
      (cost): Policy => ({ name: `scoring-${cost}`, weights: { cost, latency: 0, quality: 1 - cost, reliability: 0 }, difficultyBoost: 1 }),
    );
    return {
      knobs: KNOBS,
      defaultKnob: BALANCED_COST_SHARE,
      choose(example) {
        const request = requestOf(example);
        const profile = analyze(example);
        // The recorded cost of this very prompt is off limits; the estimate comes from its length.
        const cost: CostEstimator = {
          estimateRequestCostUsd: (p) => costs.predict(p.id, example),
          maxRequestCostUsd: (p) => costs.predict(p.id, example),
        };
        return policies.map((policy) => {
          const decision = decide({ request, profile, candidates: profiles, stats: NO_STATS, policy, requested: 'auto', id: 'replay', deps: { cost, nowUs: () => 0 } });
          return decision.candidates[0]?.deploymentId ?? models[0] ?? '';
        });
      },
    };
  },
};

function replayProfile(model: string, quality: ModelProfile['quality']): ModelProfile {
  return {
    id: model,
    provider: 'replay',
    model,
    pricing: { inputPerMTok: 0, outputPerMTok: 0, cachedInputPerMTok: 0 },
    contextWindow: 1_000_000,
    maxOutputTokens: 4_096,
    capabilities: { tools: true, vision: true, json: true, streaming: true, embeddings: false },
    quality,
    latency: { ttftMs: 500, outputTokensPerSecond: 50 },
    limits: {},
    source: { pricing: 'config', quality: 'benchmark' },
    simulated: false,
  };
}
