import type { ChatModel, Deadlines } from '../spec/chat-model.js';
import type { ModelProfile } from '../spec/model-profile.js';
import type { Policy } from '../routing/policy.js';
import type { RetryOverrides } from '../resilience/resilience.js';
import type { DeploymentSpec } from './deployment-spec.js';
import type { ParallelPlan } from './parallel-plan.js';

/** One deployment made ready: its profile, its callable model and its own deadlines. */
export interface GatewayDeployment {
  id: string;
  profile: ModelProfile;
  model: ChatModel;
  deadlines?: Deadlines;
  source: DeploymentSpec['source'];
  baseUrl?: string;
}

/** A routing policy plus what the attempt loop takes from config. */
export interface GatewayPolicy extends Policy {
  /** Deployments tried, in this order, after the ranked ones. */
  fallback?: readonly string[];
  /** Most upstream calls for one request. */
  maxAttempts?: number;
  /** Retries per candidate and backoff, in place of the gateway's. */
  retries?: RetryOverrides;
  /** Where a filtered prompt goes next. */
  contentFilterFallback?: string;
  /** Hedge the first upstream call (set only when enabled); no `delayMs`: the measured p95 TTFT. */
  hedging?: { delayMs?: number };
  /** `race`: the first `n` candidates at once; `consensus`: `n` answers compared; absent: one at a time. */
  parallel?: ParallelPlan;
}


/** The lookup tables built once per config: the hot path only reads them. */
export interface GatewayTables {
  deployments: ReadonlyMap<string, GatewayDeployment>;
  /** Chat-capable profiles, in config order: the candidates of every policy. */
  profiles: readonly ModelProfile[];
  aliases: ReadonlyMap<string, readonly string[]>;
  /** Config policies by name (built-ins are resolved by routing). */
  policies: ReadonlyMap<string, GatewayPolicy>;
  defaultPolicy: string;
}
