import type { RoutingExample } from './routing-dataset.js';

/**
 * A routing policy under replay: fitted on training examples (which may be none of the
 * evaluated ones), then asked which model should answer each evaluated prompt at every setting
 * of its cost-quality knob. Replay needs no model call: the data set holds every model's outcome.
 */
export interface ReplayPolicy {
  readonly name: string;
  fit(context: FitContext): FittedPolicy;
}

export interface FitContext {
  train: readonly RoutingExample[];
  /** The models the policy may choose from. */
  models: readonly string[];
}

export interface FittedPolicy {
  /** Knob settings, in an order where cost tends to fall (or rise) monotonically; fixed per policy so folds line up. */
  readonly knobs: readonly number[];
  /** The knob of the policy's summary row: its shipped default, not the best one in hindsight. */
  readonly defaultKnob: number;
  /** One chosen model per knob, in the order of `knobs`. */
  choose(example: RoutingExample): string[];
}

/**
 * Cost-weight grid shared by the policies that trade predicted quality against cost: fine enough
 * (60 steps a decade) that a task-level policy's narrow operating points are not skipped.
 */
export const LAMBDA_KNOBS: readonly number[] = [0, ...Array.from({ length: 241 }, (_, i) => round(10 ** (-3 + i / 60)))];

function round(v: number): number {
  return Number(v.toPrecision(3));
}
