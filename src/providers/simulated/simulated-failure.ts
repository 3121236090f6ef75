import { GatewayError } from '../../errors/gateway-error.js';
import type { Random } from './seeded-random.js';
import { SIMULATED_FAILURES, type SimulatedFailureKind, type SimulatedSettings } from './simulated-settings.js';

/** Draws whether this call fails and how; one draw per call keeps the sequence repeatable. */
export function pickSimulatedFailure(settings: SimulatedSettings, random: Random): SimulatedFailureKind | undefined {
  const draw = random();
  if (!settings.failures) return undefined;
  let threshold = 0;
  for (const kind of SIMULATED_FAILURES) {
    threshold += settings.failureRates[kind] ?? 0;
    if (draw < threshold) return kind;
  }
  return undefined;
}

/**
 * The typed error a real upstream's failure of this class maps to, with the status it would
 * have sent. `timeout` and mid-stream `network` cuts are produced by the call's timing instead.
 */
export function simulatedFailureError(kind: Exclude<SimulatedFailureKind, 'timeout'>, deploymentId: string, random: Random): GatewayError {
  switch (kind) {
    case 'rate_limited':
      return new GatewayError('rate_limited', `${deploymentId}: simulated rate limit (429).`, { upstreamStatus: 429, retryAfterMs: 1000 * (1 + Math.floor(random() * 5)), deploymentId });
    case 'overloaded':
      return new GatewayError('overloaded', `${deploymentId}: simulated overload (503).`, { upstreamStatus: 503, deploymentId });
    case 'server_error':
      return new GatewayError('upstream_server_error', `${deploymentId}: simulated server error (500).`, { upstreamStatus: 500, deploymentId });
    case 'network':
      return new GatewayError('network_error', `${deploymentId}: simulated connection reset.`, { deploymentId });
    case 'content_filtered':
      return new GatewayError('content_filtered', `${deploymentId}: simulated content filter refusal.`, { upstreamStatus: 400, deploymentId });
  }
}
