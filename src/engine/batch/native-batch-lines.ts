import type { BatchItemResult, BatchProgress } from '../../spec/batch-capability.js';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { Decision } from '../../spec/decision.js';
import type { GatewayErrorInfo } from '../../spec/gateway-error-info.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { isErrorCode } from '../../errors/error-codes.js';
import { toOpenAIErrorBody } from '../../errors/openai-error-body.js';
import type { Reservation } from '../../accounting/reservation.js';
import type { BatchLineResult, BatchRecord, NativeBatchGroup, NativeBatchGroupLine } from '../../state/batch/batch-records.js';
import type { SqliteBatchStore } from '../../state/batch/sqlite-batch-store.js';
import type { AttemptRecord, ChatResult, RequestContext } from '../gateway.js';
import type { RequestCharge } from '../request-charge.js';
import type { NativeBatchAccess } from './native-batch-access.js';
import type { BatchInputLine } from './parse-batch-input.js';

/** What a batch run tells the native path: stop for now (`closing`) or cancel (`cancel`). */
export interface NativeRunState {
  closing: boolean;
  cancel: boolean;
  /** Aborted on close, so that a poll or a wait between polls ends at once. */
  signal: AbortSignal;
}

export interface NativeBatchLinesOptions {
  store: SqliteBatchStore;
  /** Read at each use: a config reload replaces the gateway (and its connection pools) under a running batch. */
  access: () => NativeBatchAccess;
  parseRequest: (body: unknown) => ChatRequest;
  formatResponse: (result: ChatResult) => unknown;
  pollIntervalMs: number;
  now: () => number;
  onError?: (error: unknown, batchId: string) => void;
}

interface Held {
  charge: RequestCharge;
  reservation: Reservation | undefined;
}

/**
 * The lines of a batch that go through providers' own batch APIs: routed like any line, grouped
 * per deployment into provider batches, each persisted before and after its submission, polled
 * until it ends, and every result committed as that line's result. A line's reservation and
 * ledger row are at the batch price. After a restart a submitted group is polled again, never
 * sent again. A group cut between being recorded and its provider id being committed is first
 * looked for among the provider's batches by its label (the group id), where the provider keeps
 * one; only when it is not found is it sent again, as a line in flight on the direct path would be.
 * A line the provider batch failed with a retryable error (rate limit, overload, server error,
 * expiry) is handed back to the direct path, which routes, retries and falls back.
 */
export class NativeBatchLines {
  private readonly held = new Map<string, Held>();
  /** Groups recorded by this process: no provider can have accepted them before it started. */
  private readonly fresh = new Set<string>();

  constructor(private readonly options: NativeBatchLinesOptions) {}

  /** Sends what can go native as new provider batches; resolves with the lines left for the direct path. */
  async submitNew(batch: BatchRecord, lines: readonly BatchInputLine[], state: NativeRunState): Promise<{ rest: BatchInputLine[]; groups: NativeBatchGroup[] }> {
    const rest: BatchInputLine[] = [];
    const byDeployment = new Map<string, NativeBatchGroupLine[]>();
    for (const line of lines) {
      const planned = await this.planLine(batch, line);
      if (planned === undefined) {
        rest.push(line);
        continue;
      }
      const list = byDeployment.get(planned.deploymentId) ?? [];
      list.push(planned.line);
      byDeployment.set(planned.deploymentId, list);
    }
    const groups: NativeBatchGroup[] = [];
    const existing = this.options.store.nativeGroups(batch.id).length;
    for (const [deploymentId, groupLines] of byDeployment) {
      const max = this.options.access().capability(deploymentId)?.maxRequests ?? groupLines.length;
      for (let start = 0; start < groupLines.length; start += max) {
        const group: NativeBatchGroup = { id: `${batch.id}-n${existing + groups.length}`, batchId: batch.id, deploymentId, status: 'submitting', lines: groupLines.slice(start, start + max) };
        if (state.closing) {
          await this.releaseAll(group);
          rest.push(...group.lines.map((l) => lines.find((line) => line.index === l.index) as BatchInputLine));
          continue;
        }
        this.options.store.putNativeGroup(group);
        this.fresh.add(group.id);
        groups.push(group);
      }
    }
    return { rest, groups };
  }

  /**
   * Submits (when not yet accepted) and polls one group until it ends or the run closes.
   * Resolves with the lines to run directly instead: those of a group the provider refused, and
   * those it failed with a retryable error.
   */
  async follow(batch: BatchRecord, group: NativeBatchGroup, lines: ReadonlyMap<number, BatchInputLine>, state: NativeRunState): Promise<BatchInputLine[]> {
    const { store } = this.options;
    const capabilityNow = (): NonNullable<ReturnType<NativeBatchAccess['capability']>> => {
      const capability = this.options.access().capability(group.deploymentId);
      if (capability === undefined) throw new GatewayError('internal', `Deployment ${group.deploymentId} no longer offers a batch API; batch ${batch.id} resumes once it does.`);
      return capability;
    };
    capabilityNow();
    const done = store.doneLines(batch.id);
    const open = group.lines.filter((line) => !done.has(line.index));
    for (const line of open) if (!this.held.has(this.key(batch, line))) await this.hold(batch, line, true);
    let current = group;
    if (current.providerBatchId === undefined) {
      const items = open.map((line) => ({ customId: line.customId, request: this.requestOf(lines.get(line.index)) }));
      let providerBatchId: string;
      try {
        providerBatchId = (await this.adopt(current, state)) ?? (await capabilityNow().submit(items, { signal: state.signal }, current.id));
      } catch (error) {
        await this.releaseAll(current);
        // Cut by a close: the next process submits the group. Refused: its lines run directly.
        if (state.closing) return [];
        this.options.onError?.(error, batch.id);
        store.putNativeGroup({ ...current, status: 'ended' });
        return open.flatMap((line) => lines.get(line.index) ?? []);
      }
      current = { ...current, status: 'submitted', providerBatchId };
      store.putNativeGroup(current);
    }
    const providerBatchId = current.providerBatchId as string;
    let cancelSent = false;
    while (!state.closing) {
      if (state.cancel && !cancelSent) {
        cancelSent = true;
        await Promise.resolve()
          .then(() => capabilityNow().cancel(providerBatchId, { signal: state.signal }))
          .catch((error: unknown) => this.options.onError?.(error, batch.id));
      }
      let progress: BatchProgress | undefined;
      try {
        progress = await capabilityNow().poll(providerBatchId, { signal: state.signal });
      } catch (error) {
        // A failed poll says nothing about the batch: try again at the next interval.
        if (!state.closing) this.options.onError?.(error, batch.id);
      }
      if (progress?.state === 'ended') {
        const rerun = await this.settle(batch, current, lines, progress.results, progress.error, !state.cancel);
        // Once the group is ended its unanswered lines belong to the direct path, after a restart too.
        store.putNativeGroup({ ...current, status: 'ended' });
        return rerun.flatMap((index) => lines.get(index) ?? []);
      }
      await wait(this.options.pollIntervalMs, state.signal);
    }
    // Closing: what is held is freed; the next process reserves again when it resumes polling.
    await this.releaseAll(current);
    return [];
  }

  /**
   * A group recorded by an earlier process without a provider id may still have been accepted:
   * its label is looked up before it is sent again. A failed lookup sends it again.
   */
  private async adopt(group: NativeBatchGroup, state: NativeRunState): Promise<string | undefined> {
    if (this.fresh.has(group.id)) return undefined;
    const capability = this.options.access().capability(group.deploymentId);
    if (capability?.find === undefined) return undefined;
    try {
      return await capability.find(group.id, { signal: state.signal });
    } catch (error) {
      if (state.closing) throw error;
      this.options.onError?.(error, group.batchId);
      return undefined;
    }
  }

  private async planLine(batch: BatchRecord, line: BatchInputLine): Promise<{ deploymentId: string; line: NativeBatchGroupLine } | undefined> {
    let plan: ReturnType<NativeBatchAccess['plan']>;
    try {
      plan = this.options.access().plan(this.options.parseRequest(line.body), this.context(batch, line));
    } catch {
      // Invalid or unroutable: the direct path writes the same error line it would for any line.
      return undefined;
    }
    if (plan === undefined) return undefined;
    const groupLine: NativeBatchGroupLine = { index: line.index, customId: `l${line.index}`, decision: plan.decision, maxCostUsd: plan.maxCostUsd };
    try {
      await this.hold(batch, groupLine, false);
    } catch {
      // No room in a budget: the direct path reports it as that line's error.
      return undefined;
    }
    return { deploymentId: plan.deploymentId, line: groupLine };
  }

  /**
   * Opens the line's charge and reserves its worst case at the batch price. On a resume the
   * provider may already be running the line, so a reservation that no longer fits is replaced by
   * none: the spend is still settled and written when the result comes.
   */
  private async hold(batch: BatchRecord, line: NativeBatchGroupLine, resuming: boolean): Promise<void> {
    const charge = await this.options.access().charge(this.context(batch, line));
    if (charge === undefined) return;
    let reservation: Reservation | undefined;
    try {
      reservation = await charge.reserve(line.maxCostUsd);
    } catch (error) {
      if (!resuming) throw error;
      reservation = await charge.reserve(0).catch(() => undefined);
    }
    this.held.set(this.key(batch, line), { charge, reservation });
  }

  /** Commits each line's result; resolves with the lines left to run directly (retryable failures, when `rerun`). */
  private async settle(batch: BatchRecord, group: NativeBatchGroup, lines: ReadonlyMap<number, BatchInputLine>, results: readonly BatchItemResult[], batchError: GatewayErrorInfo | undefined, rerun: boolean): Promise<number[]> {
    const { store } = this.options;
    const direct: number[] = [];
    const access = this.options.access();
    const byId = new Map(results.map((result) => [result.customId, result]));
    const done = store.doneLines(batch.id);
    for (const line of group.lines) {
      if (done.has(line.index)) continue;
      const result = byId.get(line.customId);
      const decision = line.decision as Decision;
      const requestId = `${batch.id}-${line.index}`;
      const base = { id: `batch_req_${batch.id.slice(6)}_${line.index}`, custom_id: lines.get(line.index)?.customId ?? line.customId };
      const held = this.held.get(this.key(batch, line));
      this.held.delete(this.key(batch, line));
      let lineResult: BatchLineResult;
      if (result?.ok === true) {
        const usage = result.response.usage;
        const costUsd = access.cost(group.deploymentId, usage);
        const attempt: AttemptRecord = { deploymentId: group.deploymentId, outcome: 'ok', latencyMs: 0, usage };
        if (held !== undefined) {
          if (held.reservation !== undefined) await held.charge.settle(held.reservation, costUsd);
          await held.charge.finish({ outcome: 'ok', deploymentId: group.deploymentId, usage, attempts: [attempt], decisionId: decision.id, costOf: (id, u) => access.cost(id, u) });
        }
        const body = this.options.formatResponse({ response: result.response, decision, attempts: [attempt], deploymentId: group.deploymentId, usage, costUsd });
        lineResult = { lineIndex: line.index, ok: true, line: JSON.stringify({ ...base, response: { status_code: 200, request_id: requestId, body }, error: null }) };
      } else {
        const info = result?.ok === false ? result.error : (batchError ?? { code: 'upstream_server_error', message: `The provider batch ${group.providerBatchId ?? ''} ended without a result for this request.` });
        const error = new GatewayError(isErrorCode(info.code) ? info.code : 'upstream_server_error', info.message);
        if (rerun && worthRerunning(error)) {
          // No ledger row here: the direct run writes the line's one row.
          if (held?.reservation !== undefined) await held.charge.release(held.reservation);
          direct.push(line.index);
          continue;
        }
        if (held !== undefined) {
          if (held.reservation !== undefined) await held.charge.release(held.reservation);
          await held.charge.finish({ outcome: error.outcome, errorCode: error.code, attempts: [{ deploymentId: group.deploymentId, outcome: error.outcome, errorCode: error.code, latencyMs: 0 }], decisionId: decision.id, costOf: () => 0 }).catch((e: unknown) => this.options.onError?.(e, batch.id));
        }
        lineResult = { lineIndex: line.index, ok: false, line: JSON.stringify({ ...base, response: { status_code: error.status, request_id: requestId, body: toOpenAIErrorBody(error) }, error: null }) };
      }
      // The ledger row is durable before the line counts: a crash in between repeats a row, never loses spend.
      store.recordLine(batch.id, lineResult);
    }
    return direct;
  }

  private async releaseAll(group: NativeBatchGroup): Promise<void> {
    for (const line of group.lines) {
      const key = `${group.batchId}#${line.index}`;
      const held = this.held.get(key);
      this.held.delete(key);
      if (held?.reservation !== undefined) await held.charge.release(held.reservation).catch(() => undefined);
    }
  }

  private requestOf(line: BatchInputLine | undefined): ChatRequest {
    if (line === undefined) throw new GatewayError('internal', 'A native batch group names a line the input file does not have.');
    return { ...this.options.parseRequest(line.body), stream: false };
  }

  private context(batch: BatchRecord, line: { index: number }): RequestContext {
    const context: RequestContext = { requestId: `${batch.id}-${line.index}` };
    if (batch.owner !== undefined) context.principal = batch.owner;
    return context;
  }

  private key(batch: BatchRecord, line: { index: number }): string {
    return `${batch.id}#${line.index}`;
  }
}

/**
 * Whether a line the provider batch failed may succeed when run now: a transient failure (rate
 * limit, overload, server error) or a batch that expired before running it. A request the
 * provider refused would be refused again.
 */
function worthRerunning(error: GatewayError): boolean {
  return error.retryable || error.code === 'total_timeout';
}

/** Resolves after `ms`, or at once when the signal aborts. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
