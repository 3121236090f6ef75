import type { Policy } from './policy.js';

/**
 * The policies every gateway has. `balanced` is the default: at middling difficulty quality
 * weighs a little more than cost, and the difficulty boost moves weight from quality to cost for
 * easy requests (any model answers a greeting) and the other way for hard ones.
 */
export const BUILT_IN_POLICIES: Readonly<Record<'balanced' | 'cheapest' | 'fastest' | 'best', Policy>> = {
  balanced: {
    name: 'balanced',
    description: 'Quality first for hard requests, cost first for easy ones; latency and reliability break ties.',
    weights: { cost: 0.28, latency: 0.14, quality: 0.43, reliability: 0.15 },
    difficultyBoost: 1,
    adequacyFloor: 0.3,
    // Wider than the 0.15 quality span, so that for a greeting every model the estimator rates
    // within 0.2 of the best is adequate and price decides.
    qualityTolerance: 0.2,
    budgetAware: true,
  },
  cheapest: {
    name: 'cheapest',
    description: 'The cheapest deployment that can serve the request; quality only breaks near-ties.',
    weights: { cost: 0.8, latency: 0.05, quality: 0.1, reliability: 0.05 },
    difficultyBoost: 0,
    budgetAware: true,
  },
  fastest: {
    name: 'fastest',
    description: 'The lowest expected latency (time to first token plus generation time).',
    weights: { cost: 0.05, latency: 0.75, quality: 0.1, reliability: 0.1 },
    difficultyBoost: 0,
  },
  best: {
    name: 'best',
    description: 'The highest expected quality for the task, whatever it costs.',
    weights: { cost: 0.03, latency: 0.04, quality: 0.85, reliability: 0.08 },
    difficultyBoost: 0,
    adequacyFloor: 0.3,
  },
};

export const DEFAULT_POLICY_NAME = 'balanced';
