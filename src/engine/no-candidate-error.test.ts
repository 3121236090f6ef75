import { describe, expect, it } from 'vitest';
import type { Decision, ExcludedCandidate } from '../spec/decision.js';
import { noCandidateError } from './no-candidate-error.js';

function decision(excluded: ExcludedCandidate[]): Decision {
  return { excluded } as unknown as Decision;
}

describe('noCandidateError', () => {
  it('answers circuit_open (503) when every candidate is behind an open breaker or at a limit', () => {
    const error = noCandidateError(
      decision([
        { deploymentId: 'a/m', reason: 'breaker_open', detail: 'open' },
        { deploymentId: 'b/m', reason: 'rate_limited', detail: 'at limit' },
      ]),
    );
    expect(error.code).toBe('circuit_open');
    expect(error.status).toBe(503);
    expect(error.message).toContain('a/m');
  });

  it('answers rate_limited (429) when only limits stood in the way', () => {
    const error = noCandidateError(decision([{ deploymentId: 'a/m', reason: 'rate_limited', detail: 'at limit' }]));
    expect(error.code).toBe('rate_limited');
    expect(error.status).toBe(429);
  });

  it('keeps no_candidate (400) when one exclusion is about the request itself', () => {
    const error = noCandidateError(
      decision([
        { deploymentId: 'a/m', reason: 'breaker_open', detail: 'open' },
        { deploymentId: 'b/m', reason: 'context_window', detail: 'too long' },
      ]),
    );
    expect(error.code).toBe('no_candidate');
    expect(error.status).toBe(400);
    expect(noCandidateError(decision([])).code).toBe('no_candidate');
  });
});
