import type { ModelProfile } from '../spec/model-profile.js';
import type { OutcomeClass } from '../spec/outcome-class.js';

/** What the attempt loop does after a failed attempt. */
export type FallbackAction =
  | { kind: 'retry_same'; deploymentId: string }
  | { kind: 'next_candidate'; deploymentId: string }
  | { kind: 'next_larger_window'; deploymentId: string }
  | { kind: 'content_filter_fallback'; deploymentId: string }
  /** Give up and answer with the error; `markUnhealthy` flags a misconfigured deployment (auth). */
  | { kind: 'return_error'; markUnhealthy: boolean; reason: string };

export interface FallbackInput {
  outcome: Exclude<OutcomeClass, 'ok'>;
  /** The deployment whose attempt failed. */
  current: string;
  /** The retry policy and retry budget both allowed another attempt on `current`. */
  mayRetrySame: boolean;
  /** The ranked candidates after `current`, best first. */
  remaining: readonly string[];
  /** Deployments already attempted (or otherwise ruled out) in this request. */
  tried: ReadonlySet<string>;
  /** Every known profile: a larger window may come from outside the chain. */
  profiles: ReadonlyMap<string, ModelProfile>;
  /** Configured deployment to try when content is filtered. */
  contentFilterFallback?: string;
  /** Tokens the request needs (prompt plus expected output), when known. */
  requiredTokens?: number;
  /** Rules a deployment out for this request (capabilities, allowed models, open breaker, limits). */
  eligible?: (profile: ModelProfile) => boolean;
}

/** Decides the next step from the failed attempt's outcome class alone. Pure. */
export function planFallback(input: FallbackInput): FallbackAction {
  switch (input.outcome) {
    case 'rate_limited':
    case 'overloaded':
    case 'timeout':
    case 'server_error':
    case 'network': {
      if (input.mayRetrySame) return { kind: 'retry_same', deploymentId: input.current };
      const next = nextUntried(input);
      return next === undefined
        ? { kind: 'return_error', markUnhealthy: false, reason: 'no candidate left' }
        : { kind: 'next_candidate', deploymentId: next };
    }
    case 'context_overflow': {
      const larger = nextLargerWindow(input);
      return larger === undefined
        ? { kind: 'return_error', markUnhealthy: false, reason: 'no deployment with a larger context window' }
        : { kind: 'next_larger_window', deploymentId: larger };
    }
    case 'content_filtered': {
      const fallback = input.contentFilterFallback;
      if (fallback === undefined) return { kind: 'return_error', markUnhealthy: false, reason: 'content filtered; no fallback configured' };
      const profile = input.profiles.get(fallback);
      if (input.tried.has(fallback) || fallback === input.current || (profile !== undefined && !isEligible(input, profile))) {
        return { kind: 'return_error', markUnhealthy: false, reason: 'content filtered; fallback already tried or unavailable' };
      }
      return { kind: 'content_filter_fallback', deploymentId: fallback };
    }
    case 'invalid_request':
      return { kind: 'return_error', markUnhealthy: false, reason: 'the request is invalid' };
    case 'auth':
      return { kind: 'return_error', markUnhealthy: true, reason: 'the upstream rejected the credentials' };
    case 'superseded':
      // Another leg of this request already answered: nothing is left to retry or fall back for.
      return { kind: 'return_error', markUnhealthy: false, reason: 'another attempt of this request answered first' };
  }
}

function isEligible(input: FallbackInput, profile: ModelProfile): boolean {
  return input.eligible === undefined || input.eligible(profile);
}

function nextUntried(input: FallbackInput): string | undefined {
  for (const id of input.remaining) {
    if (id === input.current || input.tried.has(id)) continue;
    const profile = input.profiles.get(id);
    if (profile !== undefined && !isEligible(input, profile)) continue;
    return id;
  }
  return undefined;
}

/**
 * The first ranked candidate with a larger window; failing that, the smallest larger window among
 * all profiles, so that an overflow escalates only as far as it must.
 */
function nextLargerWindow(input: FallbackInput): string | undefined {
  const currentWindow = input.profiles.get(input.current)?.contextWindow ?? 0;
  const needed = Math.max(currentWindow + 1, input.requiredTokens ?? 0);
  const fits = (profile: ModelProfile | undefined): profile is ModelProfile =>
    profile !== undefined &&
    profile.id !== input.current &&
    !input.tried.has(profile.id) &&
    profile.contextWindow >= needed &&
    isEligible(input, profile);
  for (const id of input.remaining) {
    if (fits(input.profiles.get(id))) return id;
  }
  let best: ModelProfile | undefined;
  for (const profile of input.profiles.values()) {
    if (fits(profile) && (best === undefined || profile.contextWindow < best.contextWindow)) best = profile;
  }
  return best?.id;
}
