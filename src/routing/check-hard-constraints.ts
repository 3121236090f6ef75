import type { ExcludedCandidate, LiveStats, ModelProfile, RequestProfile, RoutingWishes } from '../spec/index.js';
import type { PolicyConstraints } from './policy.js';
import { formatUsd } from './format-usd.js';

export interface ConstraintContext {
  request: RequestProfile;
  wishes: RoutingWishes | undefined;
  policy: PolicyConstraints | undefined;
  stats: LiveStats | undefined;
  estimatedCostUsd: number;
  estimatedLatencyMs: number;
  /** Remaining budget of the caller in USD, when known. */
  budgetRemainingUsd: number | undefined;
}

/**
 * The first hard constraint a candidate breaks, or `undefined` when it may serve the request.
 * Checked in order of how lasting the verdict is: static facts (permission, capability,
 * context window), then estimates against the caller's limits, then live state.
 */
export function checkHardConstraints(profile: ModelProfile, ctx: ConstraintContext): ExcludedCandidate | undefined {
  const id = profile.id;
  const allowed = ctx.wishes?.allowedModels;
  if (allowed && allowed.length > 0 && !matchesAny(profile, allowed)) {
    return exclude(id, 'not_allowed', `not in the request's allowed models (${allowed.join(', ')})`);
  }
  const policyAllowed = ctx.policy?.allowedModels;
  if (policyAllowed && policyAllowed.length > 0 && !matchesAny(profile, policyAllowed)) {
    return exclude(id, 'not_allowed', "not in the policy's allowed models");
  }
  if (ctx.policy?.deniedModels && matchesAny(profile, ctx.policy.deniedModels)) {
    return exclude(id, 'not_allowed', 'denied by the policy');
  }
  const missing = missingCapabilities(profile, ctx.request.needs);
  if (missing !== undefined) return exclude(id, 'capability', `does not support ${missing.join(', ')}`);

  const { inputTokens, maxOutputTokens } = ctx.request;
  if (maxOutputTokens !== undefined && maxOutputTokens > profile.maxOutputTokens) {
    return exclude(id, 'context_window', `requested ${maxOutputTokens} output tokens > max output ${profile.maxOutputTokens}`);
  }
  const reservedOutput = maxOutputTokens ?? Math.min(ctx.request.expectedOutputTokens, profile.maxOutputTokens);
  if (inputTokens + reservedOutput > profile.contextWindow) {
    return exclude(id,
      'context_window',
      `${inputTokens} input + ${reservedOutput} output tokens > context window ${profile.contextWindow}`,
    );
  }

  const maxCost = minDefined(ctx.wishes?.maxCostUsd, ctx.policy?.maxCostUsd);
  if (maxCost !== undefined && ctx.estimatedCostUsd > maxCost) {
    return exclude(id, 'max_cost', `estimated $${formatUsd(ctx.estimatedCostUsd)} > max $${formatUsd(maxCost)}`);
  }
  const maxLatency = minDefined(ctx.wishes?.maxLatencyMs, ctx.policy?.maxLatencyMs);
  if (maxLatency !== undefined && ctx.estimatedLatencyMs > maxLatency) {
    return exclude(id, 'max_latency', `expected ${Math.round(ctx.estimatedLatencyMs)} ms > max ${maxLatency} ms`);
  }
  if (ctx.budgetRemainingUsd !== undefined && ctx.estimatedCostUsd > ctx.budgetRemainingUsd) {
    return exclude(id, 'budget', `estimated $${formatUsd(ctx.estimatedCostUsd)} > remaining budget $${formatUsd(ctx.budgetRemainingUsd)}`);
  }
  // Live state last: a deployment left out only for it meets every other constraint, so the
  // engine may still try it after the others once the breaker or the limit lets it.
  if (ctx.stats?.breaker === 'open') return exclude(id, 'breaker_open', 'circuit breaker open after recent failures');
  if (ctx.stats?.saturated) return exclude(id, 'rate_limited', 'at its rate or concurrency limit');
  return undefined;
}

function exclude(deploymentId: string, reason: ExcludedCandidate['reason'], detail: string): ExcludedCandidate {
  return { deploymentId, reason, detail };
}

/** A pattern names a deployment id, its upstream model name, or a `prefix/*` family. */
function matchesAny(profile: ModelProfile, patterns: readonly string[]): boolean {
  for (const pattern of patterns) {
    if (pattern === profile.id || pattern === profile.model) return true;
    if (pattern.endsWith('/*') && profile.id.startsWith(pattern.slice(0, -1))) return true;
  }
  return false;
}

/** Undefined when nothing is missing, so that a capable candidate (nearly every one) costs no array. */
function missingCapabilities(profile: ModelProfile, needs: RequestProfile['needs']): string[] | undefined {
  const caps = profile.capabilities;
  if ((!needs.tools || caps.tools) && (!needs.vision || caps.vision) && (!needs.json || caps.json) && (!needs.streaming || caps.streaming)) return undefined;
  const missing: string[] = [];
  if (needs.tools && !profile.capabilities.tools) missing.push('tools');
  if (needs.vision && !profile.capabilities.vision) missing.push('images');
  if (needs.json && !profile.capabilities.json) missing.push('JSON output');
  if (needs.streaming && !profile.capabilities.streaming) missing.push('streaming');
  return missing;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
