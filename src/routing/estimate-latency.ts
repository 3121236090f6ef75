import type { LiveStats, ModelProfile } from '../spec/index.js';

/** Prompt tokens below this add nothing to the time to first token beyond the measured baseline. */
const PREFILL_BASELINE_TOKENS = 1_000;
/** Typical hosted prefill speed; long prompts delay the first token by roughly this rate. */
const PREFILL_TOKENS_PER_SECOND = 10_000;

export interface LatencyEstimate {
  ttftMs: number;
  totalMs: number;
  /** `live` when a measured TTFT was used, `declared` when the profile's value was. */
  basis: 'live' | 'declared';
}

/**
 * Expected time to the last token: time to first token (measured EWMA where there is one, else
 * declared) plus prefill time for long prompts plus expected output at the declared speed,
 * stretched by queueing when the deployment is near its concurrency limit.
 */
export function estimateLatency(
  profile: ModelProfile,
  stats: LiveStats | undefined,
  request: { inputTokens: number; outputTokens: number },
): LatencyEstimate {
  const measured = stats && stats.samples > 0 && stats.ewmaTtftMs !== undefined ? stats.ewmaTtftMs : undefined;
  const baseTtft = measured ?? profile.latency.ttftMs;
  const prefillMs = (Math.max(0, request.inputTokens - PREFILL_BASELINE_TOKENS) / PREFILL_TOKENS_PER_SECOND) * 1000;
  const tps = profile.latency.outputTokensPerSecond > 0 ? profile.latency.outputTokensPerSecond : 50;
  const generationMs = (request.outputTokens / tps) * 1000;
  const maxConcurrent = profile.limits.maxConcurrent;
  const queueFactor = maxConcurrent && stats ? 1 + Math.min(1, stats.inFlight / maxConcurrent) : 1;
  const ttftMs = (baseTtft + prefillMs) * queueFactor;
  return { ttftMs, totalMs: ttftMs + generationMs * queueFactor, basis: measured === undefined ? 'declared' : 'live' };
}
