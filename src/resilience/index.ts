export { realClock, type Clock, type TimerHandle } from './clock.js';
export { ManualClock } from './manual-clock.js';
export { abortReason } from './abort-reason.js';
export { Backoff, DEFAULT_BACKOFF, type BackoffOptions, type RetryAfterHint } from './backoff.js';
export { sleep } from './sleep.js';
export { RetryPolicy, RETRYABLE_OUTCOMES, type RetryContext, type RetryPolicyOptions, type RetryRefusal, type RetryVerdict } from './retry-policy.js';
export { SlidingWindowRetryBudget, type RetryBudget, type RetryBudgetSnapshot, type SlidingWindowRetryBudgetOptions } from './retry-budget.js';
export { planFallback, type FallbackAction, type FallbackInput } from './fallback-action.js';
export { breakerEffect, type BreakerEffect } from './breaker-outcome.js';
export { MemoryBreakerStore, type BreakerRecord, type BreakerState, type BreakerStore } from './breaker-store.js';
export { DEFAULT_BREAKER_OPTIONS, type BreakerReason, type CircuitBreakerOptions } from './circuit-breaker.js';
export {
  BreakerRegistry,
  type BreakerRefusal,
  type BreakerRegistryOptions,
  type BreakerTicket,
  type BreakerTransition,
} from './breaker-registry.js';
export {
  FirstTokenRaceError,
  lostRaceError,
  raceToFirstToken,
  type FirstTokenRaceOptions,
  type FirstTokenWinner,
  type LegFailure,
  type StreamLeg,
} from './first-token-race.js';
export { hedge, type HedgeOptions, type HedgeResult } from './hedge.js';
export { race, type RaceOptions, type RaceResult } from './race.js';
export { consensus, comparatorKey, type ConsensusComparator, type ConsensusGroup, type ConsensusOptions, type ConsensusResult } from './consensus.js';
export { extractFinalAnswer, normalizeAnswer } from './final-answer.js';
export {
  ConcurrencyLimiter,
  type AcquireOptions,
  type ConcurrencyGate,
  type ConcurrencyLimit,
  type ConcurrencyLimiterOptions,
  type QueueListener,
  type ReleaseSlot,
} from './concurrency-limiter.js';
export { SlidingWindowRateLimiter, type RateLimit, type RateLimiter, type RateUsage, type SlidingWindowRateLimiterOptions } from './rate-limiter.js';
export { HealthCheckScheduler, type HealthCheckResult, type HealthCheckSchedulerOptions, type HealthCheckSinks } from './health-check-scheduler.js';
export { LiveStatsTracker, type AttemptSample, type CallResolvesAt, type LiveStatsTrackerOptions } from './live-stats-tracker.js';
export { AttemptPermit, type AttemptSuccessSample } from './attempt-permit.js';
export { Resilience, type Admission, type AdmitOptions, type FailureInput, type FailurePlan, type ResilienceOptions, type RetryOverrides } from './resilience.js';
export { attemptDeadlines, requestDeadlineAt, type RequestDeadlineInputs } from './deadline-plan.js';
export { AttemptsFailedError, runResilientAttempts, type AttemptStep, type ResilientAttemptsOptions, type ResilientSuccess } from './run-resilient-attempts.js';
