import type { ChatRequest } from '../../spec/chat-request.js';
import type { GatewayConfig } from '../../config/config-schema.js';
import type { LearningConfig } from '../../config/learning-config-schema.js';
import { GatewayError } from '../../errors/gateway-error.js';
import type { DecideDeps } from '../../routing/decide.js';
import { assignExperimentArm } from '../../routing/experiments/assign-experiment-arm.js';
import type { Experiment } from '../../routing/experiments/experiment.js';
import { QualityFeedbackBook } from '../../routing/feedback/quality-feedback-book.js';
import { defaultLearnedQualityModel } from '../../routing/learned/default-learned-quality-model.js';
import { learnedQualityEstimator } from '../../routing/learned/learned-quality-estimator.js';
import type { LearnedQualityModel } from '../../routing/learned/learned-quality-model.js';
import { profileQualityEstimator } from '../../routing/quality-estimator.js';
import { readConversation } from '../../routing/read-conversation.js';
import type { ArmState, FeedbackEntry, FeedbackStore } from '../../state/feedback/feedback-entry.js';
import { MemoryFeedbackStore } from '../../state/feedback/memory-feedback-store.js';
import { explorationEstimator, explores, posteriorEstimator } from './feedback-quality-estimator.js';

export type { FeedbackEntry } from '../../state/feedback/feedback-entry.js';

export const EXPERIMENT_PREFIX = 'experiment/';

export interface GatewayLearningOptions {
  store?: FeedbackStore;
  /** Uniform draws in [0, 1) for Thompson sampling and exploration; defaults to Math.random. */
  random?: () => number;
}

/** Where an experiment sent one request. */
export interface ArmAssignment {
  id: string;
  arm: string;
  /** What the arm routes with: `router/<policy>`, a deployment id or an alias. */
  target: string;
}

/**
 * What routing learns while the gateway runs: the learned quality model for policies that ask
 * for it, the feedback book that every policy's quality estimate passes through, and the A/B
 * experiments with their promote/stop state. Built once per process and kept across config
 * reloads (`configure`), so feedback and experiment changes survive a reload.
 */
export class GatewayLearning {
  readonly book: QualityFeedbackBook;
  private readonly store: FeedbackStore;
  private readonly random: () => number;
  private readonly byDecision = new Map<string, FeedbackEntry[]>();
  private settings!: LearningConfig;
  private learned: LearnedQualityModel | undefined;
  private learnedPolicies = new Set<string>();
  private explorationFloors = new Map<string, number>();
  private experiments = new Map<string, Experiment>();
  private aliasExperiments = new Map<string, string>();
  /** `routingDeps` without the learned model, per base deps: built on first use, dropped by `configure`. */
  private feedbackDeps = new WeakMap<DecideDeps, { exploring: DecideDeps; exploiting: DecideDeps }>();

  constructor(config: GatewayConfig, options: GatewayLearningOptions = {}) {
    this.random = options.random ?? Math.random;
    this.store = options.store ?? new MemoryFeedbackStore();
    this.book = new QualityFeedbackBook({ priorStrength: config.learning.priorStrength, halfLife: config.learning.halfLife, random: this.random });
    // Promotions and stops made through the admin API before a restart apply as if made on this process.
    for (const state of this.store.armStates()) {
      const experiment: Experiment = { id: state.experimentId, stickyBy: 'key', metrics: [], arms: state.stopped.map((name) => ({ name, share: 0, target: '', stopped: true })) };
      if (state.promoted !== undefined) experiment.promoted = state.promoted;
      this.experiments.set(state.experimentId, experiment);
    }
    this.configure(config);
    for (const entry of this.store.all()) this.remember(entry);
  }

  /** Applies a (re)loaded config; experiments that keep their id keep their promoted and stopped arms. */
  configure(config: GatewayConfig): void {
    this.settings = config.learning;
    this.feedbackDeps = new WeakMap();
    this.explorationFloors = new Map(
      Object.entries(config.policies).flatMap(([name, p]) => (p.explorationFloor === undefined ? [] : [[name, p.explorationFloor] as const])),
    );
    this.learnedPolicies = new Set(Object.entries(config.policies).filter(([, p]) => p.quality === 'learned').map(([name]) => name));
    // Decoded here, at start, so that the first request does not pay for it.
    if (this.learnedPolicies.size > 0) this.learned = defaultLearnedQualityModel();
    const experiments = new Map<string, Experiment>();
    const aliases = new Map<string, string>();
    for (const [id, entry] of Object.entries(config.experiments)) {
      const previous = this.experiments.get(id);
      const experiment: Experiment = {
        id,
        stickyBy: entry.sticky,
        metrics: entry.metrics,
        arms: entry.arms.map((arm, index) => {
          const target = armTarget(arm);
          const share = entry.shares?.[index] ?? arm.share ?? 1;
          const stopped = previous?.arms.find((a) => a.name === arm.name)?.stopped === true;
          return stopped ? { name: arm.name, share, target, stopped } : { name: arm.name, share, target };
        }),
      };
      if (previous?.promoted !== undefined && experiment.arms.some((a) => a.name === previous.promoted)) experiment.promoted = previous.promoted;
      experiments.set(id, experiment);
      if (entry.alias !== undefined) aliases.set(entry.alias, id);
    }
    this.experiments = experiments;
    this.aliasExperiments = aliases;
  }

  /**
   * Fails a config whose experiment arms name nothing routable, so that the mistake surfaces at
   * load (or reload, keeping the running config) instead of as a 404 on live traffic.
   */
  checkTargets(config: GatewayConfig, routable: (target: string) => boolean): void {
    for (const [id, experiment] of Object.entries(config.experiments)) {
      for (const arm of experiment.arms) {
        const target = armTarget(arm);
        if (!routable(target)) {
          throw new GatewayError('invalid_config', `Experiment ${id}, arm ${arm.name}: '${target}' names no deployment, alias or policy.`, { param: `experiments.${id}.arms` });
        }
      }
    }
  }

  /**
   * The routing dependencies for one request under `policy`: learned or profile quality, then
   * feedback (the prior moved by feedback, or, on the exploration share of requests, the prior
   * alone). Without the learned model nothing here depends on the request but the exploration
   * coin, so the two outcomes are built once per `base` and reused until the next `configure`.
   */
  routingDeps(base: DecideDeps, request: ChatRequest, policy: string): DecideDeps {
    const learned = this.learned !== undefined && this.learnedPolicies.has(policy);
    if (!learned && !this.settings.feedback) return base;
    if (!learned) {
      const exploring = this.explores(policy);
      let built = this.feedbackDeps.get(base);
      if (built === undefined) {
        const prior = base.quality ?? profileQualityEstimator;
        built = {
          exploring: { ...base, quality: explorationEstimator(prior) },
          exploiting: { ...base, quality: posteriorEstimator(this.book, prior, this.settings.estimate) },
        };
        this.feedbackDeps.set(base, built);
      }
      return exploring ? built.exploring : built.exploiting;
    }
    let quality = base.quality ?? profileQualityEstimator;
    if (this.learned !== undefined) quality = learnedQualityEstimator(this.learned, readConversation(request).lastUserText);
    if (this.settings.feedback) {
      const exploring = this.explores(policy);
      quality = exploring ? explorationEstimator(quality) : posteriorEstimator(this.book, quality, this.settings.estimate);
    }
    return { ...base, quality };
  }

  private explores(policy: string): boolean {
    return explores({ explorationFloor: this.explorationFloors.get(policy) ?? this.settings.explorationFloor, random: this.random });
  }

  /**
   * The arm for a request whose model is `experiment/<id>` or an experiment's alias; undefined
   * for every other request. Throws `model_not_found` for an unknown experiment and
   * `no_candidate` when every arm is stopped.
   */
  assign(request: ChatRequest, keyId: string | undefined): ArmAssignment | undefined {
    let id: string | undefined;
    if (request.model.startsWith(EXPERIMENT_PREFIX)) {
      id = request.model.slice(EXPERIMENT_PREFIX.length);
      if (!this.experiments.has(id)) {
        throw new GatewayError('model_not_found', `No experiment '${id}'. Configured: ${[...this.experiments.keys()].join(', ') || 'none'}.`, { param: 'model' });
      }
    } else {
      id = this.aliasExperiments.get(request.model);
    }
    if (id === undefined) return undefined;
    const experiment = this.experiments.get(id) as Experiment;
    const sticky = experiment.stickyBy === 'user' ? (request.user ?? keyId ?? '') : (keyId ?? request.user ?? '');
    const arm = assignExperimentArm(experiment, sticky);
    if (arm === undefined) throw new GatewayError('no_candidate', `Every arm of experiment '${id}' is stopped.`);
    return { id, arm: arm.name, target: arm.target };
  }

  /** Takes one score: the estimate routing reads moves now, and the store keeps it for restarts. */
  recordFeedback(entry: FeedbackEntry): void {
    this.store.append(entry);
    this.remember(entry);
  }

  feedbackFor(decisionId: string): readonly FeedbackEntry[] {
    return this.byDecision.get(decisionId) ?? [];
  }

  experiment(id: string): Experiment | undefined {
    return this.experiments.get(id);
  }

  experimentIds(): string[] {
    return [...this.experiments.keys()];
  }

  /** Sends all of the experiment's traffic to `arm` from the next request on. */
  promote(id: string, arm: string): Experiment {
    const experiment = this.armOf(id, arm).experiment;
    experiment.promoted = arm;
    this.saveArmState(experiment);
    return experiment;
  }

  /** Takes `arm` out of rotation; its share goes to the running arms. Stopping the promoted arm ends the promotion. */
  stop(id: string, arm: string): Experiment {
    const { experiment, index } = this.armOf(id, arm);
    const current = experiment.arms[index];
    if (current !== undefined) experiment.arms = experiment.arms.map((a, i) => (i === index ? { ...a, stopped: true } : a));
    if (experiment.promoted === arm) delete experiment.promoted;
    this.saveArmState(experiment);
    return experiment;
  }

  close(): void {
    this.store.close();
  }

  private armOf(id: string, arm: string): { experiment: Experiment; index: number } {
    const experiment = this.experiments.get(id);
    if (experiment === undefined) throw new GatewayError('not_found', `No experiment '${id}'.`, { param: 'id' });
    const index = experiment.arms.findIndex((a) => a.name === arm);
    if (index === -1) throw new GatewayError('invalid_request', `Experiment '${id}' has no arm '${arm}'. Arms: ${experiment.arms.map((a) => a.name).join(', ')}.`, { param: 'arm' });
    return { experiment, index };
  }

  private saveArmState(experiment: Experiment): void {
    const state: ArmState = { experimentId: experiment.id, stopped: experiment.arms.filter((a) => a.stopped === true).map((a) => a.name) };
    if (experiment.promoted !== undefined) state.promoted = experiment.promoted;
    this.store.saveArmState(state);
  }

  private remember(entry: FeedbackEntry): void {
    this.book.record(entry.task, entry.deploymentId, entry.score);
    const list = this.byDecision.get(entry.decisionId);
    if (list === undefined) this.byDecision.set(entry.decisionId, [entry]);
    else list.push(entry);
  }
}

/** What an arm routes with: its policy as `router/<name>`, or its deployment or alias. */
function armTarget(arm: { policy?: string | undefined; deployment?: string | undefined }): string {
  return arm.policy !== undefined ? `router/${arm.policy.replace(/^router\//, '')}` : (arm.deployment ?? '');
}
