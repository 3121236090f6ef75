import type { TaskType } from './task-type.js';

/** What a caller asks of routing for one request (body `routing` object or `x-switchyard-*` headers). */
export interface RoutingWishes {
  /** Relative weights; they are normalized, so only their ratios matter. */
  priorities?: { cost?: number; latency?: number; quality?: number };
  maxCostUsd?: number;
  maxLatencyMs?: number;
  /** Deployment ids or aliases the caller allows. */
  allowedModels?: string[];
  /** Overrides the task classifier. */
  task?: TaskType;
  /** Whole-request deadline in milliseconds (`x-switchyard-timeout-ms`). */
  timeoutMs?: number;
}
