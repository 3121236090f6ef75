import type { ChatRequest } from '../spec/chat-request.js';
import type { ChatResponse } from '../spec/chat-response.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../spec/embedding.js';
import type { Usage } from '../spec/usage.js';
import { GatewayError, toGatewayError } from '../errors/gateway-error.js';
import { countChatTokens } from '../catalog/count-chat-tokens.js';
import { countTextTokens } from '../catalog/count-text-tokens.js';
import { maxRequestCostUsd } from '../catalog/estimate-request-cost.js';
import type { Reservation } from '../accounting/reservation.js';
import { runAttempts, type AttemptLoopOptions, type AttemptSuccess } from './attempt-loop.js';
import { AttemptsExhaustedError } from './attempts-exhausted-error.js';
import { buildEmbeddingDecision } from './build-embedding-decision.js';
import { chargedStream } from './charged-stream.js';
import type { BudgetPressure, GatewayAccounting } from './gateway-accounting.js';
import type { ChatResult, ChatStream, EmbedResult, RequestContext, StreamSettlement } from './gateway.js';
import { mergeWishes } from './merge-wishes.js';
import { openCommittedStream } from './open-committed-stream.js';
import { answerAsStream } from './answer-as-stream.js';
import { runAnswerAttempts, usesConsensus } from './run-consensus.js';
import type { RequestCharge, RequestOutcome } from './request-charge.js';
import { allowsDeployment } from './restrict-to-allowed.js';
import type { Prepared, SwitchyardGateway } from './switchyard-gateway.js';

/** Hands the reservation taken before the loop to the attempt it was taken for, once. */
class FirstReservation {
  constructor(
    private readonly charge: RequestCharge | undefined,
    private readonly firstId: string | undefined,
    private held: Reservation | undefined,
  ) {}

  take(deploymentId: string): Reservation | undefined {
    const reservation = this.held;
    if (reservation === undefined) return undefined;
    this.held = undefined;
    this.charge!.claim(reservation);
    if (deploymentId === this.firstId) return reservation;
    // The loop started elsewhere (a reordered plan): that attempt reserves its own amount.
    void this.charge!.release(reservation);
    return undefined;
  }
}

/** For a loop without candidates: nothing was reserved ahead. */
const NOTHING_AHEAD = new FirstReservation(undefined, undefined, undefined);

interface Opened {
  charge: RequestCharge;
  first: FirstReservation;
}

/**
 * The gateway's calls with cost control: admit the caller, route under its budget pressure,
 * reserve the worst case before each attempt (the first before the loop, so that a request that
 * does not fit is refused with 429 without touching any deployment's health), settle each
 * attempt, and write the request's ledger row durably before the answer is handed back (JSON)
 * or before the stream's settlement resolves (which the server awaits before `[DONE]`).
 */
export class ChargedGatewayCalls {
  /** What an attempt's usage cost on its deployment; one function for every request. */
  private readonly costOf: (deploymentId: string, usage: Usage) => number;

  constructor(
    private readonly accounting: GatewayAccounting,
    private readonly host: SwitchyardGateway,
  ) {
    this.costOf = (id, usage) => host.cost(id, usage);
  }

  async chat(request: ChatRequest, context: RequestContext): Promise<ChatResult> {
    this.accounting.requireCaller(context);
    // Without a budget the pressure is known at once: no promise to wait for before routing.
    const pressure = this.accounting.budgetPressure(context.principal);
    // Awaited, not returned: handing back a promise from an async function costs an extra job and promise.
    return await this.answer(this.route(request, context, pressure && (await pressure)), context, false);
  }

  /** A whole answer, by consensus when the policy says so; `streamed` when it will be replayed as a stream. */
  private async answer(prepared: Prepared, context: RequestContext, streamed: boolean): Promise<ChatResult> {
    const { charge, first } = await this.open(prepared, context, streamed);
    const costOf = this.costOf;
    let done: AttemptSuccess<ChatResponse>;
    try {
      done = await runAnswerAttempts(prepared.loop, (model, callOptions) =>
        charge.around(
          this.maxCost(model.deploymentId, prepared),
          first.take(model.deploymentId),
          () => model.complete(prepared.request, callOptions),
          (response) => costOf(model.deploymentId, response.usage),
        ),
      );
    } catch (error) {
      await this.fail(charge, error, prepared.decision.id);
      throw error;
    }
    const usage = done.value.usage;
    const ttftMs = done.attempts.at(-1)?.ttftMs;
    // ttftMs set after the literal: a conditional spread in it would take V8's slow path.
    const outcome: RequestOutcome = { outcome: 'ok', deploymentId: done.deploymentId, usage, attempts: done.attempts, decisionId: prepared.decision.id, costOf };
    if (ttftMs !== undefined) outcome.ttftMs = ttftMs;
    await charge.finish(outcome);
    const result: ChatResult = { response: done.value, decision: prepared.decision, attempts: done.attempts, deploymentId: done.deploymentId, usage, costUsd: charge.costUsd };
    if (done.consensus !== undefined) result.consensus = done.consensus;
    return result;
  }

  async chatStream(request: ChatRequest, context: RequestContext): Promise<ChatStream> {
    this.accounting.requireCaller(context);
    // Object.assign, not `{ ...request, stream: true }`: properties after a leading spread are slow on Node 20's V8.
    const prepared = await this.prepare(Object.assign({}, request, { stream: true }), context);
    if (usesConsensus(prepared.loop)) return answerAsStream(await this.answer(prepared, context, true));
    const { charge, first } = await this.open(prepared, context, true);
    const costOf = (id: string, usage: Usage): number => this.host.cost(id, usage);
    let committed: Awaited<ReturnType<typeof openCommittedStream>>;
    try {
      committed = await openCommittedStream(prepared.loop, (deploymentId, callOptions) => {
        const deployment = this.host.deployment(deploymentId);
        return chargedStream({
          charge,
          maxCostUsd: this.maxCost(deploymentId, prepared),
          ...withReservation(first.take(deploymentId)),
          open: () => deployment.model.stream(prepared.request, callOptions),
          costOf: (usage, text) =>
            costOf(deploymentId, usage ?? { inputTokens: countChatTokens(prepared.request, deployment.profile), outputTokens: countTextTokens(text, deployment.profile.model) }),
        });
      });
    } catch (error) {
      await this.fail(charge, error, prepared.decision.id);
      throw error;
    }
    const settlement = this.host.settleStream(prepared, committed).then(async (result): Promise<StreamSettlement> => {
      await charge.drain();
      const ttftMs = result.attempts.at(-1)?.ttftMs;
      try {
        await charge.finish({
          outcome: result.outcome, deploymentId: result.deploymentId, usage: result.usage, attempts: result.attempts, decisionId: prepared.decision.id, costOf,
          ...(ttftMs === undefined ? {} : { ttftMs }),
          ...(result.error === undefined ? {} : { errorCode: result.error.code }),
        });
      } catch (error) {
        // The answer is out but its record is not durable: say so in-band rather than end cleanly.
        return Object.assign({}, result, { costUsd: charge.costUsd, error: new GatewayError('internal', 'The request could not be recorded in the ledger.', { cause: error }).toInfo() });
      }
      return Object.assign({}, result, { costUsd: charge.costUsd });
    });
    return { decision: prepared.decision, deploymentId: committed.deploymentId, failedAttempts: committed.failedAttempts, parts: committed.parts, settlement };
  }

  async embed(request: EmbeddingRequest, context: RequestContext): Promise<EmbedResult> {
    this.accounting.requireCaller(context);
    const wishes = mergeWishes(context.wishes, request.routing);
    const decision = buildEmbeddingDecision(this.host.tables, request, wishes, context.policy);
    const loop = this.host.loopOptions(decision, context, wishes);
    this.restrictLoop(loop, context, request.model);
    const text = request.input.join('\n');
    const maxCost = (id: string): number => {
      const profile = this.host.deployment(id).profile;
      return maxRequestCostUsd(profile, countTextTokens(text, profile.model), 0);
    };
    const charge = await this.accounting.begin(context, { streamed: false, estimatedTokens: Math.ceil(text.length / 4) });
    const first = await this.reserveFirst(charge, loop, maxCost, decision.id);
    const costOf = (id: string, usage: Usage): number => this.host.cost(id, usage);
    let done: AttemptSuccess<EmbeddingResponse>;
    try {
      done = await runAttempts(
        loop,
        (model, callOptions) =>
          charge.around(
            maxCost(model.deploymentId),
            first.take(model.deploymentId),
            () => {
              if (model.embed === undefined) throw new GatewayError('upstream_invalid_request', `${model.deploymentId} does not serve embeddings.`);
              return model.embed({ ...request, encodingFormat: 'float' }, callOptions);
            },
            (response) => costOf(model.deploymentId, { inputTokens: response.usage.inputTokens, outputTokens: 0 }),
          ),
        (response) => ({ inputTokens: response.usage.inputTokens, outputTokens: 0 }),
      );
    } catch (error) {
      await this.fail(charge, error, decision.id);
      throw error;
    }
    await charge.finish({
      outcome: 'ok', deploymentId: done.deploymentId, usage: { inputTokens: done.value.usage.inputTokens, outputTokens: 0 },
      attempts: done.attempts, decisionId: decision.id, costOf,
    });
    return { response: done.value, decision, deploymentId: done.deploymentId, attempts: done.attempts, costUsd: charge.costUsd };
  }

  /** Routes under the caller's budget pressure. */
  private async prepare(request: ChatRequest, context: RequestContext): Promise<Prepared> {
    const pressure = this.accounting.budgetPressure(context.principal);
    return this.route(request, context, pressure && (await pressure));
  }

  /** `prepare` once the budget pressure is known. */
  private route(request: ChatRequest, context: RequestContext, pressure: BudgetPressure | undefined): Prepared {
    let prepared: Prepared;
    try {
      prepared = this.host.prepare(request, context, pressure);
    } catch (error) {
      // Every candidate's estimate is above what is left: route without that cut, so that the
      // reservation refuses the request with a 429 that names the budget.
      if (pressure === undefined || toGatewayError(error).code !== 'no_candidate') throw error;
      const relaxed: BudgetPressure = { remainingFraction: pressure.remainingFraction, remainingUsd: Number.POSITIVE_INFINITY, label: pressure.label };
      prepared = this.host.prepare(request, context, relaxed);
    }
    this.restrictLoop(prepared.loop, context, request.model);
    return prepared;
  }

  private async open(prepared: Prepared, context: RequestContext, streamed: boolean): Promise<Opened> {
    const profile = prepared.decision.profile;
    const charge = await this.accounting.begin(context, { streamed, estimatedTokens: profile.inputTokens + profile.expectedOutputTokens });
    const first = await this.reserveFirst(charge, prepared.loop, (id) => this.maxCost(id, prepared), prepared.decision.id);
    return { charge, first };
  }

  private async reserveFirst(charge: RequestCharge, loop: AttemptLoopOptions, maxCost: (id: string) => number, decisionId: string): Promise<FirstReservation> {
    const firstId = loop.candidates[0];
    if (firstId === undefined) return NOTHING_AHEAD;
    let held: Reservation;
    try {
      held = await charge.reserveAhead(maxCost(firstId));
    } catch (error) {
      await this.fail(charge, error, decisionId);
      throw error;
    }
    return new FirstReservation(charge, firstId, held);
  }

  /** Fallback deployments the caller may not use are left out of the loop. */
  private restrictLoop(loop: AttemptLoopOptions, context: RequestContext, model: string): void {
    const allowed = context.principal?.allowedModels;
    if (allowed === undefined) return;
    loop.candidates = loop.candidates.filter((id) => allowsDeployment(this.host.tables, allowed, id) || allowed.includes(model));
    if (loop.candidates.length === 0) {
      throw new GatewayError('forbidden', `This API key may not use '${model}'. Allowed: ${allowed.join(', ') || 'nothing'}.`, { param: 'model' });
    }
  }

  private maxCost(deploymentId: string, prepared: Prepared): number {
    const profile = this.host.deployment(deploymentId).profile;
    return maxRequestCostUsd(profile, prepared.decision.profile.inputTokens, prepared.decision.profile.maxOutputTokens);
  }

  /** Records a failed request (what it had settled, every attempt) and lets the error go on. */
  private async fail(charge: RequestCharge, error: unknown, decisionId: string): Promise<void> {
    const typed = toGatewayError(error);
    await charge.drain();
    await charge
      .finish({
        outcome: typed.outcome, errorCode: typed.code, attempts: error instanceof AttemptsExhaustedError ? error.attempts : [], decisionId,
        costOf: (id, usage) => this.host.cost(id, usage),
      })
      .catch(() => undefined);
  }
}

function withReservation(reservation: Reservation | undefined): { reserved?: Reservation } {
  return reservation === undefined ? {} : { reserved: reservation };
}
