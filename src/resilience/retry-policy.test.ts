import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors/gateway-error.js';
import { RetryPolicy } from './retry-policy.js';

const open = { committed: false, clientGone: false };

describe('RetryPolicy', () => {
  const policy = new RetryPolicy({ maxRetriesPerCandidate: 2 });

  it.each(['rate_limited', 'overloaded', 'upstream_server_error', 'network_error', 'first_token_timeout', 'idle_timeout', 'connect_timeout'] as const)(
    'retries %s',
    (code) => {
      expect(policy.shouldRetry(new GatewayError(code, 'x'), 1, open)).toEqual({ retry: true });
    },
  );

  it.each(['upstream_invalid_request', 'context_length_exceeded', 'content_filtered', 'upstream_auth', 'budget_exceeded', 'total_timeout', 'stream_interrupted', 'internal'] as const)(
    'does not retry %s',
    (code) => {
      expect(policy.shouldRetry(new GatewayError(code, 'x'), 1, open)).toEqual({ retry: false, reason: 'not_retryable' });
    },
  );

  it('stops after the per-candidate maximum', () => {
    const error = new GatewayError('overloaded', 'x');
    expect(policy.shouldRetry(error, 2, open).retry).toBe(true);
    expect(policy.shouldRetry(error, 3, open)).toEqual({ retry: false, reason: 'max_retries' });
    expect(new RetryPolicy({ maxRetriesPerCandidate: 0 }).shouldRetry(error, 1, open)).toEqual({ retry: false, reason: 'max_retries' });
  });

  it('never retries after the commit point or once the client is gone', () => {
    const error = new GatewayError('network_error', 'x');
    expect(policy.shouldRetry(error, 1, { committed: true, clientGone: false })).toEqual({ retry: false, reason: 'committed' });
    expect(policy.shouldRetry(error, 1, { committed: false, clientGone: true })).toEqual({ retry: false, reason: 'client_gone' });
    expect(policy.shouldRetry(new GatewayError('client_closed', 'x'), 1, open)).toEqual({ retry: false, reason: 'client_gone' });
  });

  it('treats untyped errors as not retryable', () => {
    expect(policy.shouldRetry(new Error('boom'), 1, open).retry).toBe(false);
  });
});
