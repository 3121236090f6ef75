import type { Decision, ExclusionReason } from '../spec/decision.js';

// Left out for the moment only: the deployment meets every other constraint (the router checks
// live state last), and admission decides again when its turn comes.
const FOR_NOW: ReadonlySet<ExclusionReason> = new Set(['breaker_open', 'rate_limited']);

/**
 * The deployments the attempt loop walks: the ranked candidates, then the policy's fallback
 * chain, then those the router left out only for live state (an open breaker, a 429 cool-down, a
 * limit). A cool-down of a few milliseconds or a busy concurrency slot at routing time must not
 * fail a request that could wait for it; admission still skips them without calling while the
 * state lasts, so nothing is hammered.
 */
export function attemptOrder(decision: Decision, fallback: readonly string[], isDeployed: (id: string) => boolean): string[] {
  const order = decision.candidates.map((candidate) => candidate.deploymentId);
  for (const id of fallback) if (!order.includes(id) && isDeployed(id)) order.push(id);
  for (const excluded of decision.excluded) {
    if (FOR_NOW.has(excluded.reason) && !order.includes(excluded.deploymentId)) order.push(excluded.deploymentId);
  }
  return order;
}

/** Whether the loop has something to walk although the router ranked no candidate. */
export function hasDeferredCandidates(decision: Decision): boolean {
  return decision.excluded.some((excluded) => FOR_NOW.has(excluded.reason));
}
