import { GatewayError } from '../errors/gateway-error.js';
import type { Deadlines } from '../spec/chat-model.js';

export interface RequestDeadlineInputs {
  /** When the request arrived (epoch ms). */
  startedAt: number;
  /** The server's whole-request limit. */
  serverTimeoutMs?: number;
  /** The caller's `x-switchyard-timeout-ms` / `routing.timeout_ms`. */
  timeoutMs?: number;
  /** The caller's `routing.max_latency_ms`: past it the answer is of no use to them. */
  maxLatencyMs?: number;
}

/** The whole request's deadline: the tightest of the limits given, or undefined when none is. */
export function requestDeadlineAt(inputs: RequestDeadlineInputs): number | undefined {
  // Three calls rather than a loop over an array of the limits: this runs for every request.
  const tightest = tighter(tighter(tighter(undefined, inputs.serverTimeoutMs), inputs.timeoutMs), inputs.maxLatencyMs);
  return tightest === undefined ? undefined : inputs.startedAt + tightest;
}

/** The tighter of two limits, a missing or non-positive one counting as none. */
function tighter(tightest: number | undefined, limit: number | undefined): number | undefined {
  if (limit === undefined || !(limit > 0)) return tightest;
  return tightest === undefined ? limit : Math.min(tightest, limit);
}

/**
 * One attempt's deadlines: the deployment's own (connect, first token, idle, total), with the
 * total and first-token limits clipped to what is left of the request. Throws `total_timeout`
 * when nothing is left, so that no attempt starts that could not finish.
 */
export function attemptDeadlines(deployment: Deadlines | undefined, deadlineAt: number | undefined, now: number): Deadlines {
  const out: Deadlines = { ...deployment };
  if (deadlineAt === undefined) return out;
  const left = deadlineAt - now;
  if (left <= 0) throw new GatewayError('total_timeout', 'The request ran past its deadline before another attempt could start.');
  out.totalMs = out.totalMs === undefined ? left : Math.min(out.totalMs, left);
  if (out.firstTokenMs !== undefined) out.firstTokenMs = Math.min(out.firstTokenMs, out.totalMs);
  if (out.connectMs !== undefined) out.connectMs = Math.min(out.connectMs, out.totalMs);
  return out;
}
