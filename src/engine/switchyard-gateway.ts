import type { ChatRequest } from '../spec/chat-request.js';
import type { Decision } from '../spec/decision.js';
import type { EmbeddingRequest } from '../spec/embedding.js';
import type { LiveStats } from '../spec/live-stats.js';
import type { RoutingWishes } from '../spec/routing-wishes.js';
import type { Usage } from '../spec/usage.js';
import { GatewayError } from '../errors/gateway-error.js';
import { computeCostUsd } from '../catalog/compute-cost-usd.js';
import { countChatTokens } from '../catalog/count-chat-tokens.js';
import { countTextTokens } from '../catalog/count-text-tokens.js';
import { decide, type DecideDeps } from '../routing/decide.js';
import type { UpstreamPools } from '../http/upstream-pools.js';
import { runAttempts, type AttemptLoopOptions, type AttemptStatsSink } from './attempt-loop.js';
import { buildEmbeddingDecision } from './build-embedding-decision.js';
import type { ChatResult, ChatStream, EmbedResult, Gateway, GatewaySummary, HealthReport, ModelListing, RequestContext, StreamSettlement } from './gateway.js';
import type { GatewayTables } from './gateway-tables.js';
import { listModels } from './list-models.js';
import { mergeWishes } from './merge-wishes.js';
import { openCommittedStream } from './open-committed-stream.js';
import { answerAsStream } from './answer-as-stream.js';
import { runAnswerAttempts, usesConsensus } from './run-consensus.js';
import { resolveTarget } from './resolve-target.js';
import type { BudgetPressure, GatewayAccess, GatewayAccounting } from './gateway-accounting.js';
import { ChargedGatewayCalls } from './charged-gateway-calls.js';
import { restrictToAllowed } from './restrict-to-allowed.js';
import { noCandidateError } from './no-candidate-error.js';
import { attemptOrder, hasDeferredCandidates } from './attempt-order.js';
import type { Resilience } from '../resilience/resilience.js';
import { requestDeadlineAt } from '../resilience/deadline-plan.js';
import type { GatewayLearning } from './learning/gateway-learning.js';

export interface SwitchyardGatewayOptions {
  tables: GatewayTables;
  pools: UpstreamPools;
  stats: AttemptStatsSink & {
    all(): ReadonlyMap<string, LiveStats>;
    /** `all()` narrowed to these deployments, without building the rest. */
    some(deploymentIds: readonly string[]): ReadonlyMap<string, LiveStats>;
  };
  summary: GatewaySummary;
  /** Analysis and scoring dependencies for routing (token counter, task classifier, cost estimator). */
  routingDeps: DecideDeps;
  /** Whole-request deadline unless the request asks for a shorter one. */
  requestTimeoutMs: number;
  /** Most upstream calls per request unless the policy says otherwise. */
  maxAttempts: number;
  now?: () => number;
  /** Cost control: keys, budgets with reservations, the ledger. Absent: nothing is charged. */
  accounting?: GatewayAccounting;
  /** Retries, breakers and limits for non-streaming calls; absent: each candidate is tried once. */
  resilience?: Resilience;
  /** Learned quality, feedback and experiments; absent: routing uses `routingDeps` as given. */
  learning?: GatewayLearning;
}

export interface Prepared {
  request: ChatRequest;
  decision: Decision;
  loop: AttemptLoopOptions;
}

/** The request pipeline: resolve `model`, decide, walk the attempt loop, settle the cost. */
export class SwitchyardGateway implements Gateway {
  readonly summary: GatewaySummary;
  readonly accounting?: GatewayAccess;
  private readonly charged: ChargedGatewayCalls | undefined;
  readonly tables: GatewayTables;
  private readonly options: SwitchyardGatewayOptions;
  private readonly now: () => number;
  private readonly listing: ModelListing[];
  /** The ids of `tables.profiles` (what `auto` and every policy rank), for the stats lookup. */
  private readonly profileIds: readonly string[];
  // Bound once: every request's loop options hand out the same two lookups.
  private readonly modelFor = (id: string): ReturnType<AttemptLoopOptions['modelFor']> => this.deployment(id).model;
  private readonly deadlinesFor = (id: string): ReturnType<NonNullable<AttemptLoopOptions['deadlinesFor']>> => this.tables.deployments.get(id)?.deadlines;

  constructor(options: SwitchyardGatewayOptions) {
    this.options = options;
    this.tables = options.tables;
    this.summary = options.summary;
    this.now = options.now ?? Date.now;
    this.listing = listModels(this.tables);
    this.profileIds = this.tables.profiles.map((profile) => profile.id);
    if (options.accounting !== undefined) {
      this.accounting = options.accounting;
      this.charged = new ChargedGatewayCalls(options.accounting, this);
    }
  }

  route(request: ChatRequest, context: Partial<RequestContext> = {}, pressure?: BudgetPressure): Decision {
    const merged = this.withWishes(request, context.wishes);
    const learning = this.options.learning;
    const arm = learning?.assign(merged, context.principal?.keyId);
    const model = arm?.target ?? merged.model;
    const resolved = resolveTarget(this.tables, model, context.policy);
    const target = restrictToAllowed(this.tables, model, resolved, context.principal?.allowedModels);
    const decision = decide({
      request: merged,
      candidates: target.candidates,
      // Only the candidates' stats are read.
      stats: this.options.stats.some(target.candidates === this.tables.profiles ? this.profileIds : target.candidates.map((candidate) => candidate.id)),
      policy: target.policy,
      requested: merged.model,
      deps: learning === undefined ? this.options.routingDeps : learning.routingDeps(this.options.routingDeps, merged, target.policy.name),
      ...(pressure === undefined ? {} : { budget: pressure }),
    });
    if (arm !== undefined) {
      decision.experiment = { id: arm.id, arm: arm.arm };
      decision.reasons.unshift(`experiment ${arm.id}: arm ${arm.arm} (${arm.target})`);
    }
    return decision;
  }

  chat(request: ChatRequest, context: RequestContext): Promise<ChatResult> {
    // The charged call's promise is handed on as it is (it never throws synchronously): an async
    // wrapper would add a promise and two microtask ticks to every request.
    if (this.charged !== undefined) return this.charged.chat(request, context);
    return this.chatUncharged(request, context);
  }

  private async chatUncharged(request: ChatRequest, context: RequestContext): Promise<ChatResult> {
    return this.answer(this.prepare(request, context));
  }

  /** A whole answer (by consensus when the policy says so); its cost is every attempt's usage. */
  private async answer(prepared: Prepared): Promise<ChatResult> {
    const done = await runAnswerAttempts(prepared.loop, (model, callOptions) => model.complete(prepared.request, callOptions));
    const costUsd = done.attempts.reduce((sum, attempt) => sum + (attempt.usage === undefined ? 0 : this.cost(attempt.deploymentId, attempt.usage)), 0);
    const result: ChatResult = { response: done.value, decision: prepared.decision, attempts: done.attempts, deploymentId: done.deploymentId, usage: done.value.usage, costUsd };
    if (done.consensus !== undefined) result.consensus = done.consensus;
    return result;
  }

  async chatStream(request: ChatRequest, context: RequestContext): Promise<ChatStream> {
    if (this.charged !== undefined) return this.charged.chatStream(request, context);
    const prepared = this.prepare({ ...request, stream: true }, context);
    if (usesConsensus(prepared.loop)) return answerAsStream(await this.answer(prepared));
    const committed = await openCommittedStream(prepared.loop, (deploymentId, callOptions) => this.deployment(deploymentId).model.stream(prepared.request, callOptions));
    return { decision: prepared.decision, deploymentId: committed.deploymentId, failedAttempts: committed.failedAttempts, parts: committed.parts, settlement: this.settleStream(prepared, committed) };
  }

  /** How a committed stream ended: usage as reported, or counted when the upstream sent none. */
  settleStream(prepared: Prepared, committed: Awaited<ReturnType<typeof openCommittedStream>>): Promise<StreamSettlement> {
    return committed.end.then((end): StreamSettlement => {
      const profile = this.deployment(committed.deploymentId).profile;
      let usage: Usage;
      let costEstimated = false;
      if (end.usage !== undefined) usage = end.usage;
      else {
        // The upstream said nothing (cut stream, or a server without stream usage): count.
        usage = { inputTokens: countChatTokens(prepared.request, profile), outputTokens: countTextTokens(end.outputText, profile.model) };
        costEstimated = true;
      }
      const result: StreamSettlement = {
        deploymentId: committed.deploymentId,
        attempts: [...committed.failedAttempts, end.attempt],
        usage,
        costUsd: this.cost(committed.deploymentId, usage),
        costEstimated,
        outcome: end.outcome,
      };
      if (end.finishReason !== undefined) result.finishReason = end.finishReason;
      if (end.error !== undefined) result.error = end.error;
      return result;
    });
  }

  async embed(request: EmbeddingRequest, context: RequestContext): Promise<EmbedResult> {
    if (this.charged !== undefined) return this.charged.embed(request, context);
    const wishes = mergeWishes(context.wishes, request.routing);
    const decision = buildEmbeddingDecision(this.tables, request, wishes, context.policy);
    const loop = this.loopOptions(decision, context, wishes);
    const done = await runAttempts(
      loop,
      (model, callOptions) => {
        if (model.embed === undefined) throw new GatewayError('upstream_invalid_request', `${model.deploymentId} does not serve embeddings.`);
        return model.embed({ ...request, encodingFormat: 'float' }, callOptions);
      },
      (response) => ({ inputTokens: response.usage.inputTokens, outputTokens: 0 }),
    );
    return {
      response: done.value,
      decision,
      deploymentId: done.deploymentId,
      attempts: done.attempts,
      costUsd: this.cost(done.deploymentId, { inputTokens: done.value.usage.inputTokens, outputTokens: 0 }),
    };
  }

  listModels(): ModelListing[] {
    return this.listing;
  }

  stats(): LiveStats[] {
    return [...this.options.stats.all().values()];
  }

  health(): HealthReport {
    const unavailable = this.stats()
      .filter((stats) => stats.breaker === 'open')
      .map((stats) => stats.deploymentId);
    const deployments = this.tables.deployments.size;
    return { ready: deployments > unavailable.length, deployments, unavailable };
  }

  async close(): Promise<void> {
    // Accounting outlives a gateway replaced on config reload: whoever opened it closes it.
    await this.options.pools.close();
  }

  private withWishes(request: ChatRequest, headerWishes: RoutingWishes | undefined): ChatRequest {
    const wishes = mergeWishes(headerWishes, request.routing);
    if (wishes === request.routing) return request;
    const merged: ChatRequest = { ...request };
    if (wishes === undefined) delete merged.routing;
    else merged.routing = wishes;
    return merged;
  }

  /** Resolves, restricts to what the caller may use, and decides; internal to the engine. */
  prepare(request: ChatRequest, context: RequestContext, pressure?: BudgetPressure): Prepared {
    const merged = this.withWishes(request, context.wishes);
    const decision = this.route(merged, context.principal === undefined ? { policy: context.policy } : { policy: context.policy, principal: context.principal }, pressure);
    if (decision.candidates.length === 0 && !hasDeferredCandidates(decision)) throw noCandidateError(decision);
    return { request: merged, decision, loop: this.loopOptions(decision, context, merged.routing) };
  }

  loopOptions(decision: Decision, context: RequestContext, wishes: RoutingWishes | undefined): AttemptLoopOptions {
    const policy = this.tables.policies.get(decision.policy);
    const order = attemptOrder(decision, policy?.fallback ?? [], (id) => this.tables.deployments.has(id));
    const maxAttempts = policy?.maxAttempts ?? this.options.maxAttempts;
    // `max_latency_ms` is a deadline too: past it the caller has no use for the answer.
    const startedAt = this.now();
    const deadlineAt = requestDeadlineAt({
      startedAt,
      serverTimeoutMs: this.options.requestTimeoutMs,
      timeoutMs: wishes?.timeoutMs,
      maxLatencyMs: wishes?.maxLatencyMs,
    });
    // The order is built for this request: cut to the attempts allowed in place.
    if (order.length > maxAttempts) order.length = maxAttempts;
    const loop: AttemptLoopOptions = {
      candidates: order,
      modelFor: this.modelFor,
      deadlinesFor: this.deadlinesFor,
      deadlineAt: deadlineAt ?? startedAt + this.options.requestTimeoutMs,
      now: this.now,
      stats: this.options.stats,
      headers: { 'x-request-id': context.requestId },
    };
    if (context.signal !== undefined) loop.signal = context.signal;
    if (this.options.resilience !== undefined) {
      // A retry on the same deployment counts against the policy's attempts too.
      loop.resilience = this.options.resilience;
      loop.maxAttempts = maxAttempts;
      if (this.tables.deployments.has(decision.requested)) loop.onlyCandidates = true;
      if (policy?.retries !== undefined) loop.retries = policy.retries;
      if (policy?.contentFilterFallback !== undefined) loop.contentFilterFallback = policy.contentFilterFallback;
      if (policy?.parallel?.mode === 'race') loop.spread = { kind: 'race', n: policy.parallel.n };
      else if (policy?.hedging !== undefined) loop.spread = { kind: 'hedge', ...policy.hedging };
    }
    if (policy?.parallel?.mode === 'consensus') loop.consensus = policy.parallel;
    return loop;
  }

  deployment(id: string): NonNullable<ReturnType<GatewayTables['deployments']['get']>> {
    const deployment = this.tables.deployments.get(id);
    if (deployment === undefined) throw new GatewayError('internal', `Deployment ${id} vanished from the tables.`);
    return deployment;
  }

  cost(deploymentId: string, usage: Usage): number {
    const profile = this.tables.deployments.get(deploymentId)?.profile;
    return profile === undefined ? 0 : computeCostUsd(usage, profile.pricing);
  }
}
