import type { QualityEstimator } from '../quality-estimator.js';
import { sampleBeta } from './sample-beta.js';

export interface QualityFeedbackOptions {
  /**
   * How many observations the predicted quality is worth: with 10, ten pieces of feedback
   * weigh as much as the model's prediction.
   */
  priorStrength?: number;
  /**
   * Evidence older than this many later observations (for the same task and deployment) counts
   * half, so that a deployment that gets worse loses traffic within a few hundred requests
   * instead of being carried by its long good record. `Infinity` keeps everything.
   */
  halfLife?: number;
  /** Uniform draws in [0, 1); defaults to Math.random. */
  random?: () => number;
}

export interface FeedbackEstimate {
  /** Posterior mean quality. */
  mean: number;
  alpha: number;
  beta: number;
  /** Effective number of (decayed) observations. */
  observations: number;
}

interface Evidence {
  good: number;
  bad: number;
}

/**
 * Per-(task type, deployment) answer quality learned from feedback: a Beta posterior whose prior
 * is the quality the router predicted, updated with each score in [0, 1] (thumbs up = 1, down =
 * 0; fractional scores count fractionally). Routing reads the posterior mean, or a Thompson draw
 * with a floor of uniform exploration, so that a deployment that does badly in production loses
 * traffic without a redeploy.
 */
export class QualityFeedbackBook {
  private readonly evidence = new Map<string, Evidence>();
  private readonly priorStrength: number;
  private readonly decay: number;
  private readonly random: () => number;

  constructor(options: QualityFeedbackOptions = {}) {
    this.priorStrength = options.priorStrength ?? 10;
    const halfLife = options.halfLife ?? 500;
    this.decay = Number.isFinite(halfLife) && halfLife > 0 ? Math.pow(0.5, 1 / halfLife) : 1;
    this.random = options.random ?? Math.random;
  }

  record(task: string, deploymentId: string, score: number): void {
    if (!Number.isFinite(score) || score < 0 || score > 1) throw new RangeError(`feedback score must be in [0, 1], got ${score}`);
    const key = keyOf(task, deploymentId);
    const e = this.evidence.get(key) ?? { good: 0, bad: 0 };
    e.good = e.good * this.decay + score;
    e.bad = e.bad * this.decay + (1 - score);
    this.evidence.set(key, e);
  }

  estimate(task: string, deploymentId: string, priorQuality: number): FeedbackEstimate {
    const e = this.evidence.get(keyOf(task, deploymentId)) ?? { good: 0, bad: 0 };
    const prior = clamp(priorQuality, 0.001, 0.999);
    const alpha = prior * this.priorStrength + e.good;
    const beta = (1 - prior) * this.priorStrength + e.bad;
    return { mean: alpha / (alpha + beta), alpha, beta, observations: e.good + e.bad };
  }

  /** One Thompson draw from the posterior. */
  sample(task: string, deploymentId: string, priorQuality: number): number {
    const { alpha, beta } = this.estimate(task, deploymentId, priorQuality);
    return sampleBeta(alpha, beta, this.random);
  }

  /**
   * Thompson sampling among candidates: the highest posterior draw wins, except that with
   * probability `explorationFloor` a uniformly random candidate is chosen, so that no deployment
   * starves of the feedback that could rehabilitate it.
   */
  chooseThompson(task: string, candidates: readonly { deploymentId: string; priorQuality: number }[], explorationFloor = 0.05): string | undefined {
    if (candidates.length === 0) return undefined;
    if (this.random() < explorationFloor) {
      return candidates[Math.min(candidates.length - 1, Math.floor(this.random() * candidates.length))]?.deploymentId;
    }
    let best: string | undefined;
    let bestDraw = -Infinity;
    for (const c of candidates) {
      const draw = this.sample(task, c.deploymentId, c.priorQuality);
      if (draw > bestDraw) {
        best = c.deploymentId;
        bestDraw = draw;
      }
    }
    return best;
  }

  /**
   * Wraps the router's quality estimator: its estimate becomes the prior and the feedback on
   * (request task, deployment) moves it. Plug into `decide` through `deps.quality`.
   */
  estimator(base: QualityEstimator): QualityEstimator {
    return {
      name: `${base.name}+feedback`,
      estimate: (input) => {
        const prior = base.estimate(input);
        const posterior = this.estimate(input.request.task, input.profile.id, prior.quality);
        if (posterior.observations < 1e-9) return prior;
        return {
          quality: posterior.mean,
          basis: `${prior.basis}, feedback ${posterior.mean.toFixed(2)} over ${posterior.observations.toFixed(0)} scores`,
        };
      },
    };
  }
}

function keyOf(task: string, deploymentId: string): string {
  return `${task}\u0000${deploymentId}`;
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
