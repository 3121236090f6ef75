import { randomUUID } from 'node:crypto';
import type { Decision, ExcludedCandidate, ScoredCandidate } from '../spec/decision.js';
import type { EmbeddingRequest } from '../spec/embedding.js';
import type { ModelProfile } from '../spec/model-profile.js';
import type { RoutingWishes } from '../spec/routing-wishes.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayTables } from './gateway-tables.js';
import { resolveTarget } from './resolve-target.js';

/** About four characters a token: embeddings are cheap, a rough count only orders candidates. */
function roughTokens(input: readonly string[]): number {
  let chars = 0;
  for (const text of input) chars += text.length;
  return Math.ceil(chars / 4);
}

/**
 * Embeddings have no task or quality to weigh: the candidates are the embedding-capable
 * deployments `model` names, cheapest first. Vectors from different models are not
 * interchangeable, so a policy name only makes sense when one embedding model is configured.
 */
export function buildEmbeddingDecision(tables: GatewayTables, request: EmbeddingRequest, wishes: RoutingWishes | undefined, headerPolicy: string | undefined): Decision {
  const started = performance.now();
  const target = resolveTarget(tables, request.model, headerPolicy);
  const named = target.kind === 'policy' ? [...tables.deployments.values()].map((d) => d.profile) : target.candidates;
  const inputTokens = roughTokens(request.input);
  const excluded: ExcludedCandidate[] = [];
  const eligible: ModelProfile[] = [];
  const allowed = wishes?.allowedModels;
  for (const profile of named) {
    const deployment = tables.deployments.get(profile.id);
    if (!profile.capabilities.embeddings || deployment?.model.embed === undefined) {
      if (target.kind !== 'policy') excluded.push({ deploymentId: profile.id, reason: 'capability', detail: 'does not serve embeddings' });
      continue;
    }
    if (allowed !== undefined && allowed.length > 0 && !allowed.includes(profile.id)) {
      excluded.push({ deploymentId: profile.id, reason: 'not_allowed', detail: "not in the request's allowed models" });
      continue;
    }
    eligible.push(profile);
  }
  if (eligible.length === 0) {
    const why = excluded.map((e) => `${e.deploymentId}: ${e.detail}`).join('; ');
    throw new GatewayError('no_candidate', `No deployment serves embeddings for '${request.model}'${why === '' ? '.' : `: ${why}.`}`);
  }
  eligible.sort((a, b) => a.pricing.inputPerMTok - b.pricing.inputPerMTok);
  const candidates = eligible.map((profile, index): ScoredCandidate => {
    const cost = (inputTokens * profile.pricing.inputPerMTok) / 1_000_000;
    return {
      deploymentId: profile.id,
      score: 1 - index / eligible.length,
      parts: { cost: 1, latency: 1, quality: 1, reliability: 1, weights: { cost: 1, latency: 0, quality: 0, reliability: 0 } },
      estimatedCostUsd: cost,
      maxCostUsd: cost,
      estimatedLatencyMs: profile.latency.ttftMs,
      expectedQuality: profile.quality.default,
      reasons: [`embedding model at $${profile.pricing.inputPerMTok}/1M input tokens`],
    };
  });
  return {
    id: randomUUID(),
    requested: request.model,
    policy: target.policy.name,
    profile: {
      task: 'extraction',
      taskConfidence: 0,
      taskSource: 'classifier',
      difficulty: 0,
      inputTokens,
      expectedOutputTokens: 0,
      needs: { tools: false, vision: false, json: false, streaming: false },
    },
    candidates,
    excluded,
    reasons: ['embeddings: the cheapest embedding-capable deployment first'],
    elapsedUs: Math.round((performance.now() - started) * 1000),
  };
}
