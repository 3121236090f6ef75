import { learnedRouterPolicy } from './policies/learned-router-policy.js';
import { oraclePolicy } from './policies/oracle-policy.js';
import { randomMixPolicy } from './policies/random-mix-policy.js';
import { scoringRouterPolicy } from './policies/scoring-router-policy.js';
import { seedKeywordsPolicy } from './policies/seed-keywords-policy.js';
import { singleModelPolicy } from './policies/single-model-policy.js';
import { taskBaselinePolicy } from './policies/task-baseline-policy.js';
import type { ReplayPolicy } from './routing-policy.js';

/** Every policy `switchyard eval routing` compares, side by side. */
export function defaultReplayPolicies(models: readonly string[]): ReplayPolicy[] {
  return [
    oraclePolicy,
    taskBaselinePolicy,
    seedKeywordsPolicy,
    scoringRouterPolicy,
    learnedRouterPolicy(),
    randomMixPolicy,
    ...models.map(singleModelPolicy),
  ];
}
