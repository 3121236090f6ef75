import { randomUUID } from 'node:crypto';
import type { ChatRequest } from '../../spec/chat-request.js';
import { GatewayError, toGatewayError } from '../../errors/gateway-error.js';
import { toOpenAIErrorBody } from '../../errors/openai-error-body.js';
import type { BatchLineResult, BatchRecord, FileRecord } from '../../state/batch/batch-records.js';
import type { SqliteBatchStore } from '../../state/batch/sqlite-batch-store.js';
import type { ChatResult, Gateway, RequestContext } from '../gateway.js';
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
  /** Price multiplier for batch work on a deployment (its `batchDiscount`), if it has one. */
  batchPriceFactor?: (deploymentId: string) => number | undefined;
  now?: () => number;
  onError?: (error: unknown, batchId: string) => void;
}

interface Running {
  stop: boolean;
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
    if (running !== undefined) running.stop = true;
    else this.start(cancelling);
    return cancelling;
  }

  /** Stops starting lines and waits for those in flight to be committed. */
  async close(): Promise<void> {
    for (const running of this.running.values()) running.stop = true;
    await Promise.all([...this.running.values()].map((running) => running.done));
  }

  /** Resolves once the batch has ended here (finished, cancelled or stopped by `close`). */
  whenIdle(id: string): Promise<void> {
    return this.running.get(id)?.done ?? Promise.resolve();
  }

  private start(batch: BatchRecord): void {
    const running: Running = { stop: batch.status === 'cancelling', done: Promise.resolve() };
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
    const queue = parsed.lines.filter((line) => !done.has(line.index));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (!running.stop) {
        const line = queue[next];
        next += 1;
        if (line === undefined) return;
        store.recordLine(batch.id, await this.runLine(batch, line));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency) }, worker));
    const current = store.getBatch(batch.id) ?? batch;
    if (current.status === 'cancelling') return this.finalize(current, 'cancelled');
    if (running.stop) return;
    this.finalize(current, 'completed');
  }

  private async runLine(batch: BatchRecord, line: BatchInputLine): Promise<BatchLineResult> {
    const requestId = `${batch.id}-${line.index}`;
    const base = { id: `batch_req_${batch.id.slice(6)}_${line.index}`, custom_id: line.customId };
    try {
      const request = { ...this.options.parseRequest(line.body), stream: false };
      const context: RequestContext = { requestId };
      if (batch.owner !== undefined) context.principal = batch.owner;
      const result = await this.options.gateway().chat(request, context);
      const factor = this.options.batchPriceFactor?.(result.deploymentId);
      const priced = factor === undefined ? result : { ...result, costUsd: result.costUsd * factor };
      const body = this.options.formatResponse(priced);
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
