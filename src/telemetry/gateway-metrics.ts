import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { LiveStats } from '../spec/live-stats.js';
import { BoundedLabel } from './bounded-label.js';
import { BucketHistogram, type HistogramCell } from './bucket-histogram.js';
import { CountedLabels } from './counted-labels.js';
import type {
  AttemptFinishedEvent,
  BreakerChangedEvent,
  BreakerState,
  BudgetLevel,
  BudgetUpdatedEvent,
  CacheHitEvent,
  DecisionMadeEvent,
  GatewayObserver,
  QueueChangedEvent,
  RequestFinishedEvent,
  RequestStartedEvent,
} from './gateway-observer.js';

/** Whole LLM calls run from tens of milliseconds (cache, small models) to minutes (long reasoning). */
export const LATENCY_BUCKETS_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120];
export const TTFT_BUCKETS_SECONDS = [0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2.5, 5, 10, 30, 60, 120];

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

export interface GatewayMetricsOptions {
  /** Prefix of every metric name (default `switchyard_`). */
  prefix?: string;
  /** Also export Node process metrics (CPU, memory, event loop lag) on the same registry. */
  processMetrics?: boolean;
  /** Most distinct values of any one label (default 500); the rest count as `_other`. */
  maxLabelValues?: number;
}

interface Bound<T> {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
}

/** Children bound to one deployment, so that the hot path does no label hashing. */
interface DeploymentChildren {
  duration: HistogramCell;
  ttft: HistogramCell;
}

/**
 * The gateway's Prometheus metrics on a registry of its own (never prom-client's global one, so
 * that tests and several gateways in one process do not collide). It is an observer: the engine's
 * events become counter increments.
 */
export class GatewayMetrics implements GatewayObserver {
  readonly registry = new Registry();
  // Counters count in CountedLabels and histograms in BucketHistogram cells (no label hashing per event).
  private readonly requests: CountedLabels;
  private readonly duration: BucketHistogram;
  private readonly ttft: BucketHistogram;
  private readonly tokens: CountedLabels;
  private readonly cost: CountedLabels;
  private readonly attempts: CountedLabels;
  private readonly winners: CountedLabels;
  private readonly hedges: CountedLabels;
  private readonly consensus: CountedLabels;
  private readonly breaker: Gauge;
  /** Requests being served, read by the gauge at collection rather than an inc and a dec per request. */
  private inFlight = 0;
  private readonly queued: Gauge;
  private readonly budgetUtilization: Gauge;
  private readonly budgetSpent: Gauge;
  private readonly budgetLimit: Gauge;
  private readonly cacheHits: CountedLabels;
  private readonly cacheKindLabel = new BoundedLabel(20);
  private readonly decisions: CountedLabels;
  private readonly deploymentLabel: BoundedLabel;
  private readonly policyLabel: BoundedLabel;
  private readonly budgetLabel: BoundedLabel;
  private readonly byDeployment: Bound<DeploymentChildren> = new Map();
  private liveStats: (() => LiveStats[]) | undefined;
  private budgets: (() => Promise<readonly BudgetLevel[]>) | undefined;

  constructor(options: GatewayMetricsOptions = {}) {
    const p = options.prefix ?? 'switchyard_';
    const registers = [this.registry];
    const max = options.maxLabelValues ?? 500;
    this.deploymentLabel = new BoundedLabel(max);
    this.policyLabel = new BoundedLabel(max);
    this.budgetLabel = new BoundedLabel(max);
    this.requests = new CountedLabels({ name: `${p}requests_total`, help: 'Finished requests by deployment, policy, outcome class and HTTP status.', labelNames: ['deployment', 'policy', 'outcome', 'status'], registers });
    this.duration = new BucketHistogram({ name: `${p}request_duration_seconds`, help: 'Whole-request latency per answering deployment.', labelNames: ['deployment'], buckets: LATENCY_BUCKETS_SECONDS, registers });
    this.ttft = new BucketHistogram({ name: `${p}time_to_first_token_seconds`, help: 'Time to the first content token (streams) or to the answer (non-streaming).', labelNames: ['deployment'], buckets: TTFT_BUCKETS_SECONDS, registers });
    this.tokens = new CountedLabels({ name: `${p}tokens_total`, help: 'Tokens by deployment and kind (input includes cached).', labelNames: ['deployment', 'kind'], registers });
    this.cost = new CountedLabels({ name: `${p}cost_usd_total`, help: 'Spend in USD by deployment.', labelNames: ['deployment'], registers });
    this.attempts = new CountedLabels({ name: `${p}attempts_total`, help: 'Upstream attempts by deployment, role (first, retry, fallback, hedge) and outcome class.', labelNames: ['deployment', 'role', 'outcome'], registers });
    this.winners = new CountedLabels({ name: `${p}attempt_winners_total`, help: 'Attempts whose answer went to the client, by deployment and role.', labelNames: ['deployment', 'role'], registers });
    this.hedges = new CountedLabels({ name: `${p}hedges_total`, help: 'Requests whose first pick was hedged, by the attempt that answered: primary, hedge, or none (the request failed).', labelNames: ['winner'], registers });
    this.consensus = new CountedLabels({ name: `${p}consensus_requests_total`, help: 'Consensus requests by result: majority (more than half of the candidates asked agree) or no_majority.', labelNames: ['result'], registers });
    // Breaker states come from events and, at scrape time, from live stats, so the gauge is right even when no event fired.
    const readBreakers = (): LiveStats[] | undefined => this.liveStats?.();
    const breakerLabel = (id: string): string => this.deploymentLabel.value(id);
    this.breaker = new Gauge({
      name: `${p}breaker_state`,
      help: 'Circuit breaker state per deployment: 0 closed, 1 half-open, 2 open.',
      labelNames: ['deployment'],
      registers,
      collect() {
        for (const entry of readBreakers() ?? []) this.labels(breakerLabel(entry.deploymentId)).set(BREAKER_VALUE[entry.breaker]);
      },
    });
    const readInFlight = (): number => this.inFlight;
    new Gauge({
      name: `${p}requests_in_flight`,
      help: 'Requests being served.',
      registers,
      collect() {
        this.set(readInFlight());
      },
    });
    this.queued = new Gauge({ name: `${p}requests_queued`, help: 'Requests waiting for a concurrency slot, per deployment.', labelNames: ['deployment'], registers });
    // The registry collects every metric at once, so the three budget gauges share one read per scrape.
    let reading: Promise<void> | undefined;
    const readBudgets = (): Promise<void> => {
      reading ??= (async () => {
        try {
          const levels = await this.budgets?.();
          for (const level of levels ?? []) this.setBudget(level);
        } catch {
          // Cost control briefly away: the gauges keep their last values rather than failing the scrape.
        }
      })().finally(() => {
        reading = undefined;
      });
      return reading;
    };
    this.budgetUtilization = new Gauge({
      name: `${p}budget_utilization_ratio`,
      help: 'Share of each budget spent, 0..1 (can exceed 1 on overspend).',
      labelNames: ['scope', 'budget'],
      registers,
      collect: readBudgets,
    });
    this.budgetSpent = new Gauge({ name: `${p}budget_spent_usd`, help: 'Spend counted against each budget in its current period.', labelNames: ['scope', 'budget'], registers, collect: readBudgets });
    this.budgetLimit = new Gauge({ name: `${p}budget_limit_usd`, help: 'Limit of each budget.', labelNames: ['scope', 'budget'], registers, collect: readBudgets });
    this.cacheHits = new CountedLabels({ name: `${p}cache_hits_total`, help: 'Responses served from the cache, by kind.', labelNames: ['kind'], registers });
    this.decisions = new CountedLabels({ name: `${p}routing_decisions_total`, help: 'Routing decisions by task type and first-ranked deployment.', labelNames: ['task', 'deployment'], registers });
    const readStats = (): LiveStats[] | undefined => this.liveStats?.();
    const deploymentLabel = this.deploymentLabel;
    new Gauge({
      name: `${p}deployment_in_flight`,
      help: 'Upstream calls in flight per deployment.',
      labelNames: ['deployment'],
      registers,
      collect() {
        for (const entry of readStats() ?? []) this.labels(deploymentLabel.value(entry.deploymentId)).set(entry.inFlight);
      },
    });
    if (options.processMetrics === true) collectDefaultMetrics({ register: this.registry, prefix: p });
  }

  /** Reads breaker states and in-flight counts from the engine's live stats on every scrape. */
  trackLiveStats(source: () => LiveStats[]): void {
    this.liveStats = source;
  }

  /** The Prometheus text exposition. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  requestStarted(_event: RequestStartedEvent): void {
    this.inFlight += 1;
  }

  decisionMade(event: DecisionMadeEvent): void {
    const first = event.decision.candidates[0]?.deploymentId ?? 'none';
    this.decisions.inc([event.decision.profile.task, this.deploymentLabel.value(first)]);
  }

  attemptFinished(event: AttemptFinishedEvent): void {
    const deployment = this.deploymentLabel.value(event.deploymentId);
    this.attempts.inc([deployment, event.role, event.outcome]);
    if (event.won) this.winners.inc([deployment, event.role]);
  }

  requestFinished(event: RequestFinishedEvent): void {
    this.inFlight -= 1;
    const deployment = event.deploymentId === undefined ? 'none' : this.deploymentLabel.value(event.deploymentId);
    const policy = event.policy === undefined ? 'none' : this.policyLabel.value(event.policy);
    this.requests.inc([deployment, policy, event.outcome, String(event.status)]);
    this.countParallel(event);
    if (event.deploymentId === undefined) return;
    const bound = this.children(deployment);
    if (event.outcome === 'ok') {
      bound.duration.observe(event.latencyMs / 1000);
      if (event.ttftMs !== undefined) bound.ttft.observe(event.ttftMs / 1000);
    }
    const usage = event.usage;
    if (usage !== undefined) {
      if (usage.inputTokens > 0) this.tokens.inc([deployment, 'input'], usage.inputTokens);
      if (usage.outputTokens > 0) this.tokens.inc([deployment, 'output'], usage.outputTokens);
      if (usage.cachedInputTokens !== undefined && usage.cachedInputTokens > 0) this.tokens.inc([deployment, 'cached'], usage.cachedInputTokens);
    }
    if (event.costUsd > 0) this.cost.inc([deployment], event.costUsd);
  }

  /** Hedges and their winners, and consensus results: both read off the finished request. */
  private countParallel(event: RequestFinishedEvent): void {
    if (event.consensus !== undefined) this.consensus.inc([event.consensus.majority ? 'majority' : 'no_majority']);
    if (!event.attempts.some((attempt) => attempt.role === 'hedge')) return;
    const answered = event.outcome === 'ok' ? event.attempts.at(-1) : undefined;
    this.hedges.inc([answered === undefined ? 'none' : answered.role === 'hedge' ? 'hedge' : 'primary']);
  }

  breakerChanged(event: BreakerChangedEvent): void {
    this.breaker.labels(this.deploymentLabel.value(event.deploymentId)).set(BREAKER_VALUE[event.to]);
  }

  budgetUpdated(event: BudgetUpdatedEvent): void {
    this.setBudget(event);
  }

  /**
   * Reads budget levels from cost control on every scrape. Key-scoped budgets are left out: their
   * names are key ids, which never become labels.
   */
  trackBudgets(source: () => Promise<readonly BudgetLevel[]> | readonly BudgetLevel[]): void {
    this.budgets = async () => (await source()).filter((level) => level.scope !== 'key');
  }

  private setBudget(event: BudgetLevel): void {
    if (event.scope === 'key') return;
    const name = this.budgetLabel.value(event.name);
    this.budgetSpent.labels(event.scope, name).set(event.spentUsd);
    this.budgetLimit.labels(event.scope, name).set(event.limitUsd);
    this.budgetUtilization.labels(event.scope, name).set(event.limitUsd > 0 ? event.spentUsd / event.limitUsd : 0);
  }

  cacheHit(event: CacheHitEvent): void {
    this.cacheHits.inc([this.cacheKindLabel.value(event.kind)]);
  }

  queueChanged(event: QueueChangedEvent): void {
    this.queued.labels(this.deploymentLabel.value(event.deploymentId)).set(event.queued);
  }

  private children(deployment: string): DeploymentChildren {
    let bound = this.byDeployment.get(deployment);
    if (bound === undefined) {
      bound = {
        duration: this.duration.cell([deployment]),
        ttft: this.ttft.cell([deployment]),
      };
      this.byDeployment.set(deployment, bound);
    }
    return bound;
  }
}
