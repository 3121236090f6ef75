import { randomUUID } from 'node:crypto';
import type { ChatRequest } from '../../spec/chat-request.js';
import { GatewayError, toGatewayError } from '../../errors/gateway-error.js';
import { toOpenAIErrorBody } from '../../errors/openai-error-body.js';
import type { BatchLineResult, BatchRecord, FileRecord } from '../../state/batch/batch-records.js';
import type { SqliteBatchStore } from '../../state/batch/sqlite-batch-store.js';
import type { ChatResult, Gateway, RequestContext } from '../gateway.js';
import { NativeBatchLines, type NativeRunState } from './native-batch-lines.js';
import { parseBatchInput, type BatchInputLine } from './parse-batch-input.js';

export const BATCH_ENDPOINTS = ['/v1/chat/completions'] as const;

export interface BatchRunnerOptions {
  store: SqliteBatchStore;
  /** The gateway lines run through; a function so that a config reload is followed. */
  gateway: () => Gateway;
  /** Lines of one batch in flight at once. */
  concurrency: number;
  /** The server's strict request validation, so that a batch line is held to what the endpoint accepts. */
  parseRequest: (body: unknown) => ChatRequest;
  /** The endpoint's JSON response body. */
  formatResponse: (result: ChatResult) => unknown;
  /**
   * `auto`: lines whose deployment offers a provider batch API go through it, at its discount;
   * `off`: every line runs directly. A batch's `metadata.switchyard_native` overrides it.
   */
  native?: 'auto' | 'off';
  /** Time between two polls of a provider batch (default 30 s). */
  pollIntervalMs?: number;
  now?: () => number;
  /** Told of a batch stopped by an error (it resumes on restart) and of a failed provider batch poll (retried). */
  onError?: (error: unknown, batchId: string) => void;
}

interface Running extends NativeRunState {
  /** No more lines start on the direct path (cancel or close). */
  stop: boolean;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Runs batch jobs: every input line through the gateway (so routed by the policy, charged to the
 * batch's creator under their budgets), a bounded number at a time. A line counts only once its
 * result is committed to the store; after a restart `resume` runs only the lines without one.
 * A line in flight when the process died has no committed result and is run again.
 */
export class BatchRunner {
  private readonly options: BatchRunnerOptions;
  private readonly now: () => number;
  private readonly running = new Map<string, Running>();

  constructor(options: BatchRunnerOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  /** Validates the input file and starts the batch; an invalid file makes a `failed` batch, as OpenAI does. */
  create(input: { inputFileId: string; endpoint: string; completionWindow: string; metadata?: Record<string, string>; owner?: BatchRecord['owner'] }): BatchRecord {
    const file = this.options.store.getFile(input.inputFileId);
    if (file === undefined || !ownedBy(file, input.owner)) throw new GatewayError('not_found', `No file ${input.inputFileId}.`, { param: 'input_file_id' });
    if (file.purpose !== 'batch') throw new GatewayError('invalid_request', `File ${input.inputFileId} has purpose '${file.purpose}'; a batch needs purpose 'batch'.`, { param: 'input_file_id' });
    const record: BatchRecord = {
      id: `batch_${randomUUID().replaceAll('-', '')}`,
      inputFileId: input.inputFileId,
      endpoint: input.endpoint,
      completionWindow: input.completionWindow,
      status: 'validating',
      createdAt: this.seconds(),
      total: 0,
      completed: 0,
      failed: 0,
    };
    if (input.metadata !== undefined) record.metadata = input.metadata;
    if (input.owner !== undefined) record.owner = input.owner;
    const parsed = parseBatchInput(this.options.store.getFileContent(file.id) ?? Buffer.alloc(0), input.endpoint);
    if ('errors' in parsed) {
      record.status = 'failed';
      record.failedAt = this.seconds();
      record.errors = parsed.errors;
    } else {
      record.status = 'in_progress';
      record.inProgressAt = this.seconds();
      record.total = parsed.lines.length;
    }
    this.options.store.putBatch(record);
    if (record.status === 'in_progress') this.start(record);
    return record;
  }

  uploadFile(content: Buffer, input: { purpose: string; filename: string; owner?: { keyId: string } }): FileRecord {
    const record: FileRecord = { id: `file-${randomUUID().replaceAll('-', '')}`, purpose: input.purpose, filename: input.filename, bytes: content.length, createdAt: this.seconds() };
    if (input.owner !== undefined) record.ownerKeyId = input.owner.keyId;
    this.options.store.putFile(record, content);
    return record;
  }

  getFile(id: string, caller?: { keyId: string }): FileRecord {
    const file = this.options.store.getFile(id);
    if (file === undefined || !ownedBy(file, caller)) throw new GatewayError('not_found', `No file ${id}.`);
    return file;
  }

  fileContent(id: string, caller?: { keyId: string }): Buffer {
    this.getFile(id, caller);
    return this.options.store.getFileContent(id) ?? Buffer.alloc(0);
  }

  getBatch(id: string, caller?: { keyId: string }): BatchRecord {
    const batch = this.options.store.getBatch(id);
    if (batch === undefined || !ownedBy(batch, caller)) throw new GatewayError('not_found', `No batch ${id}.`);
    return batch;
  }

  /** Every caller's batches, newest first: for the operator (dashboard), never for an API caller. */
  allBatches(limit: number): BatchRecord[] {
    return this.options.store.listBatches(limit);
  }

  listBatches(caller: { keyId: string } | undefined, limit: number): BatchRecord[] {
    return this.options.store.listBatches(10_000).filter((batch) => ownedBy(batch, caller)).slice(0, limit);
  }

  /** Picks up every batch a previous process left unfinished. */
  resume(): void {
    for (const batch of this.options.store.unfinished()) if (!this.running.has(batch.id)) this.start(batch);
  }

  cancel(id: string, owner?: BatchRecord['owner']): BatchRecord {
    const batch = this.options.store.getBatch(id);
    if (batch === undefined || !ownedBy(batch, owner)) throw new GatewayError('not_found', `No batch ${id}.`);
    if (batch.status !== 'in_progress' && batch.status !== 'validating') return batch;
    const cancelling: BatchRecord = { ...batch, status: 'cancelling', cancellingAt: this.seconds() };
    this.options.store.putBatch(cancelling);
    const running = this.running.get(id);
    if (running !== undefined) {
      running.stop = true;
      running.cancel = true;
    } else this.start(cancelling);
    return cancelling;
  }

  /** Stops starting lines and polling provider batches, and waits for the lines in flight to be committed. */
  async close(): Promise<void> {
    for (const running of this.running.values()) {
      running.stop = true;
      running.closing = true;
      running.controller.abort();
    }
    await Promise.all([...this.running.values()].map((running) => running.done));
  }

  /** Resolves once the batch has ended here (finished, cancelled or stopped by `close`). */
  whenIdle(id: string): Promise<void> {
    return this.running.get(id)?.done ?? Promise.resolve();
  }

  private start(batch: BatchRecord): void {
    const controller = new AbortController();
    const cancelling = batch.status === 'cancelling';
    const running: Running = { stop: cancelling, cancel: cancelling, closing: false, controller, signal: controller.signal, done: Promise.resolve() };
    running.done = this.run(batch, running)
      .catch((error: unknown) => this.options.onError?.(error, batch.id))
      .finally(() => this.running.delete(batch.id));
    this.running.set(batch.id, running);
  }

  private async run(batch: BatchRecord, running: Running): Promise<void> {
    const { store } = this.options;
    const parsed = parseBatchInput(store.getFileContent(batch.inputFileId) ?? Buffer.alloc(0), batch.endpoint);
    if ('errors' in parsed) return;
    const done = store.doneLines(batch.id);
    let queue = parsed.lines.filter((line) => !done.has(line.index));
    const recorded = store.nativeGroups(batch.id);
    const groups = recorded.filter((group) => group.status !== 'ended');
    // A line of an ended provider batch still without a result was handed back to the direct path.
    const handedBack = new Set(recorded.flatMap((group) => (group.status === 'ended' ? group.lines.map((line) => line.index) : [])));
    const followed: Array<Promise<BatchInputLine[]>> = [];
    if (this.options.gateway().nativeBatch !== undefined && (groups.length > 0 || this.nativeMode(batch) === 'auto')) {
      const native = new NativeBatchLines({
        store,
        // The current gateway's, at each use: a provider batch may outlive a config reload.
        access: () => this.options.gateway().nativeBatch as NonNullable<Gateway['nativeBatch']>,
        parseRequest: this.options.parseRequest,
        formatResponse: this.options.formatResponse,
        pollIntervalMs: this.options.pollIntervalMs ?? 30_000,
        now: this.now,
        ...(this.options.onError === undefined ? {} : { onError: this.options.onError }),
      });
      const pending = new Set(groups.flatMap((group) => group.lines.map((line) => line.index)));
      queue = queue.filter((line) => !pending.has(line.index));
      if (this.nativeMode(batch) === 'auto' && !running.stop) {
        const submitted = await native.submitNew(batch, queue.filter((line) => !handedBack.has(line.index)), running);
        queue = [...queue.filter((line) => handedBack.has(line.index)), ...submitted.rest];
        groups.push(...submitted.groups);
      }
      const byIndex = new Map(parsed.lines.map((line) => [line.index, line]));
      for (const group of groups) followed.push(native.follow(batch, group, byIndex, running));
    } else if (groups.length > 0) {
      throw new GatewayError('internal', `Batch ${batch.id} has provider batches pending but the gateway offers no batch API; it resumes on restart.`);
    }
    const [, ...returned] = await Promise.all([this.runDirect(batch, queue, running), ...followed]);
    // Lines of a provider batch that could not be submitted run directly instead.
    await this.runDirect(batch, returned.flat(), running);
    const current = store.getBatch(batch.id) ?? batch;
    if (current.status === 'cancelling') return this.finalize(current, 'cancelled');
    if (running.stop) return;
    this.finalize(current, 'completed');
  }

  /** Runs lines through the gateway, a bounded number at a time, committing each result. */
  private async runDirect(batch: BatchRecord, queue: readonly BatchInputLine[], running: Running): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!running.stop) {
        const line = queue[next];
        next += 1;
        if (line === undefined) return;
        this.options.store.recordLine(batch.id, await this.runLine(batch, line));
      }
    };
    await Promise.all(Array.from({ length: Math.min(queue.length, Math.max(1, this.options.concurrency)) }, worker));
  }

  private nativeMode(batch: BatchRecord): 'auto' | 'off' {
    const wish = batch.metadata?.switchyard_native;
    if (wish === 'off' || wish === 'auto') return wish;
    return this.options.native ?? 'auto';
  }

  private async runLine(batch: BatchRecord, line: BatchInputLine): Promise<BatchLineResult> {
    const requestId = `${batch.id}-${line.index}`;
    const base = { id: `batch_req_${batch.id.slice(6)}_${line.index}`, custom_id: line.customId };
    try {
      const request = { ...this.options.parseRequest(line.body), stream: false };
      const context: RequestContext = { requestId };
      if (batch.owner !== undefined) context.principal = batch.owner;
      // Run directly, a line costs the list price: discounts belong to the provider batch path.
      const result = await this.options.gateway().chat(request, context);
      const body = this.options.formatResponse(result);
      return { lineIndex: line.index, ok: true, line: JSON.stringify({ ...base, response: { status_code: 200, request_id: requestId, body }, error: null }) };
    } catch (thrown) {
      const error = toGatewayError(thrown);
      return {
        lineIndex: line.index,
        ok: false,
        line: JSON.stringify({ ...base, response: { status_code: error.status, request_id: requestId, body: toOpenAIErrorBody(error) }, error: null }),
      };
    }
  }

  /** Writes the output and error files (ids fixed by the batch, so a repeat after a crash overwrites) and closes the batch. */
  private finalize(batch: BatchRecord, status: 'completed' | 'cancelled'): void {
    const { store } = this.options;
    const results = store.lineResults(batch.id);
    const record: BatchRecord = { ...batch, status, finalizingAt: batch.finalizingAt ?? this.seconds() };
    const write = (suffix: string, lines: BatchLineResult[]): string | undefined => {
      if (lines.length === 0) return undefined;
      const content = Buffer.from(lines.map((l) => `${l.line}\n`).join(''));
      const file: FileRecord = { id: `file-${batch.id}-${suffix}`, purpose: 'batch_output', filename: `${batch.id}_${suffix}.jsonl`, bytes: content.length, createdAt: this.seconds() };
      if (batch.owner !== undefined) file.ownerKeyId = batch.owner.keyId;
      store.putFile(file, content);
      return file.id;
    };
    const outputId = write('output', results.filter((r) => r.ok));
    const errorId = write('errors', results.filter((r) => !r.ok));
    if (outputId !== undefined) record.outputFileId = outputId;
    if (errorId !== undefined) record.errorFileId = errorId;
    if (status === 'completed') record.completedAt = this.seconds();
    else record.cancelledAt = this.seconds();
    store.putBatch(record);
  }

  private seconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

/** Without keys everything is everyone's; with keys a caller sees only what its key created. */
export function ownedBy(item: { ownerKeyId?: string; owner?: { keyId: string } }, caller: { keyId: string } | undefined): boolean {
  const ownerKey = item.ownerKeyId ?? item.owner?.keyId;
  return ownerKey === undefined || ownerKey === caller?.keyId;
}
