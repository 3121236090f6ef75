import { hashWord } from '../learned/prompt-features.js';
import type { Experiment, ExperimentArm } from './experiment.js';

/**
 * The arm a caller belongs to. Sticky: the same key always lands in the same arm while the
 * arms and shares stay the same, because the choice is a hash of (experiment id, key) placed on
 * the cumulative shares. Stopped arms take no traffic; their share goes to the others in
 * proportion; a promoted arm takes everything. Undefined when every arm is stopped.
 */
export function assignExperimentArm(experiment: Experiment, stickyKey: string): ExperimentArm | undefined {
  if (experiment.promoted !== undefined) {
    const promoted = experiment.arms.find((a) => a.name === experiment.promoted);
    if (promoted) return promoted;
  }
  const running = experiment.arms.filter((a) => !a.stopped && a.share > 0);
  const total = running.reduce((s, a) => s + a.share, 0);
  if (total <= 0) return undefined;
  const u = (hashWord(`${experiment.id}\u0000${stickyKey}`) / 2 ** 32) * total;
  let cumulative = 0;
  for (const arm of running) {
    cumulative += arm.share;
    if (u < cumulative) return arm;
  }
  return running[running.length - 1];
}
