import type { FinishReason } from '../spec/finish-reason.js';
import type { GatewayErrorInfo } from '../spec/gateway-error-info.js';
import type { OutcomeClass } from '../spec/outcome-class.js';
import type { StreamPart } from '../spec/stream-part.js';
import type { ReadyPartSource } from '../spec/ready-part-source.js';
import type { Usage } from '../spec/usage.js';
import { GatewayError } from '../errors/gateway-error.js';
import { isErrorCode } from '../errors/error-codes.js';
import { attributed, type AttemptLoopOptions } from './attempt-loop.js';
import type { AttemptRecord } from './gateway.js';

/** What the engine learns from a stream once it is over. */
export interface StreamEnd {
  attempt: AttemptRecord;
  /** The upstream's usage, when it sent one. */
  usage?: Usage;
  /** Everything the answer said (text, reasoning, refusals, tool arguments), for counting tokens when no usage came. */
  outputText: string;
  finishReason?: FinishReason;
  outcome: OutcomeClass;
  error?: GatewayErrorInfo;
}

export function errorFromPart(info: GatewayErrorInfo, deploymentId: string): GatewayError {
  const code = isErrorCode(info.code) ? info.code : 'upstream_server_error';
  return new GatewayError(code, info.message, { outcome: info.outcome, deploymentId, ...(info.status !== undefined ? { status: info.status } : {}) });
}

export interface TailInput {
  deploymentId: string;
  buffered: StreamPart[];
  iterator: ReadyPartSource | undefined;
  started: number;
  ttftMs: number;
  options: AttemptLoopOptions;
  abort(): void;
  detach(): void;
  /** Takes the attempt's verdict instead of `options.stats` (the resilience permit settles it). */
  report?(end: StreamEnd): void;
  /** The attempt's role when it won a hedge or a race. */
  role?: AttemptRecord['role'];
}

const DONE: IteratorResult<StreamPart> = Object.freeze({ value: undefined, done: true });

/**
 * The rest of a committed stream: the parts read ahead to the commit point, then the upstream's,
 * watched on the way for the outcome, usage, finish reason and output text. A failure past the
 * commit point ends the stream in-band (an error part, then an `error` finish per open choice);
 * a reader that stops early aborts the upstream. `end` resolves once either happened.
 */
export function continueStream(input: TailInput): { parts: AsyncIterableIterator<StreamPart> & ReadyPartSource; end: Promise<StreamEnd> } {
  const tail = new StreamTail(input);
  return { parts: tail, end: tail.end };
}

/**
 * An iterator rather than an async generator: each upstream part is handed on in the result
 * object the upstream made, at the cost of one promise, where a generator step costs several
 * promises and a result object of its own.
 */
class StreamTail implements AsyncIterableIterator<StreamPart>, ReadyPartSource {
  readonly end: Promise<StreamEnd>;
  private resolveEnd!: (end: StreamEnd) => void;
  private readonly now: () => number;
  private readonly output: string[] = [];
  private readonly openChoices = new Set<number>();
  private usage: Usage | undefined;
  private finishReason: FinishReason | undefined;
  /** Next read-ahead part to hand on. */
  private position = 0;
  /** After a failure: the in-band error and finish parts still to hand on. */
  private trailer: StreamPart[] | undefined;
  private failure: GatewayError | undefined;
  private over = false;
  private settled = false;
  /** The read in flight, which `return()` lets finish first, as a generator would. */
  private reading: Promise<unknown> | undefined;

  private readonly onResult = (result: IteratorResult<StreamPart>): IteratorResult<StreamPart> => {
    this.reading = undefined;
    if (result.done === true) return this.finishCleanly();
    const part = result.value;
    if (part.type === 'error') return this.fail(errorFromPart(part.error, this.input.deploymentId));
    this.observe(part);
    return result;
  };

  private readonly onError = (thrown: unknown): IteratorResult<StreamPart> => {
    this.reading = undefined;
    return this.fail(thrown);
  };

  constructor(private readonly input: TailInput) {
    this.now = input.options.now ?? Date.now;
    this.end = new Promise<StreamEnd>((resolve) => (this.resolveEnd = resolve));
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StreamPart> {
    return this;
  }

  next(): Promise<IteratorResult<StreamPart>> {
    if (this.over) return Promise.resolve(DONE);
    try {
      return Promise.resolve(this.step());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  nextReady(): StreamPart | undefined {
    if (this.over || this.trailer !== undefined || this.reading !== undefined) return undefined;
    const { buffered, iterator } = this.input;
    if (this.position < buffered.length) {
      const part = buffered[this.position++]!;
      this.observe(part);
      return part;
    }
    const ready = iterator?.nextReady?.();
    if (ready === undefined) return undefined;
    if (ready.type === 'error') return this.fail(errorFromPart(ready.error, this.input.deploymentId)).value;
    this.observe(ready);
    return ready;
  }

  async return(): Promise<IteratorResult<StreamPart>> {
    if (this.reading !== undefined) await this.reading.catch(() => undefined);
    if (!this.over) {
      this.over = true;
      // Stopped inside the in-band trailer: the failure is already known. Anywhere else
      // (or before the first read) the reader left early.
      if (this.trailer !== undefined) this.settle(this.failure, true);
      else this.settle(undefined, false);
    }
    return DONE;
  }

  private step(): IteratorResult<StreamPart> | Promise<IteratorResult<StreamPart>> {
    const { buffered, iterator } = this.input;
    if (this.trailer !== undefined) {
      const part = this.trailer.shift();
      if (part !== undefined) return { value: part, done: false };
      this.finishReason = 'error';
      this.over = true;
      this.settle(this.failure, true);
      return DONE;
    }
    if (this.position < buffered.length) {
      const part = buffered[this.position++]!;
      this.observe(part);
      return { value: part, done: false };
    }
    if (iterator === undefined) return this.finishCleanly();
    const ready = iterator.nextReady?.();
    if (ready !== undefined) {
      if (ready.type === 'error') return this.fail(errorFromPart(ready.error, this.input.deploymentId));
      this.observe(ready);
      return { value: ready, done: false };
    }
    const reading = iterator.next().then(this.onResult, this.onError);
    this.reading = reading;
    return reading;
  }

  private finishCleanly(): IteratorResult<StreamPart> {
    this.over = true;
    this.settle(undefined, true);
    return DONE;
  }

  /** Ends the stream in-band: the error, then an `error` finish for each choice still open. */
  private fail(thrown: unknown): IteratorResult<StreamPart> {
    const { deploymentId, options } = this.input;
    const failure = attributed(thrown, deploymentId, options.signal);
    this.failure = failure;
    const reported = new GatewayError('stream_interrupted', `${deploymentId}: the stream failed after it had started: ${failure.message}`, {
      outcome: failure.outcome,
      deploymentId,
      cause: failure,
    });
    if (this.openChoices.size === 0) this.openChoices.add(0);
    const trailer: StreamPart[] = [];
    for (const choiceIndex of this.openChoices) trailer.push({ type: 'finish', choiceIndex, finishReason: 'error' });
    this.trailer = trailer;
    return { value: { type: 'error', error: reported.toInfo() }, done: false };
  }

  private observe(part: StreamPart): void {
    switch (part.type) {
      case 'text-delta':
      case 'reasoning-delta':
      case 'refusal-delta':
        this.openChoices.add(part.choiceIndex);
        this.output.push(part.text);
        return;
      case 'tool-call-delta':
        this.openChoices.add(part.choiceIndex);
        if (part.name !== undefined) this.output.push(part.name);
        this.output.push(part.argumentsDelta);
        return;
      case 'finish':
        this.openChoices.delete(part.choiceIndex);
        this.finishReason ??= part.finishReason;
        return;
      case 'usage':
        this.usage = part.usage;
        return;
      case 'start':
      case 'error':
        return;
    }
  }

  private settle(failureSoFar: GatewayError | undefined, complete: boolean): void {
    if (this.settled) return;
    this.settled = true;
    const { input, usage, finishReason } = this;
    const { deploymentId, options } = input;
    let failure = failureSoFar;
    if (!complete) {
      // The reader stopped early (client gone): stop paying for tokens nobody reads.
      input.abort();
      void input.iterator?.return?.().catch(() => undefined);
      failure ??= new GatewayError('client_closed', 'The client closed the stream.', { deploymentId });
    }
    input.detach();
    const latencyMs = this.now() - input.started;
    const outcome: OutcomeClass = failure?.outcome ?? 'ok';
    const attempt: AttemptRecord = { deploymentId, outcome, latencyMs, ttftMs: input.ttftMs };
    if (input.role !== undefined) attempt.role = input.role;
    if (failure !== undefined) {
      attempt.errorCode = failure.code;
      attempt.message = failure.message;
    }
    if (usage !== undefined) attempt.usage = usage;
    const result: StreamEnd = { attempt, outputText: this.output.join(''), outcome };
    if (usage !== undefined) result.usage = usage;
    if (finishReason !== undefined) result.finishReason = finishReason;
    if (failure !== undefined) result.error = failure.toInfo();
    if (input.report !== undefined) input.report(result);
    else options.stats?.end(deploymentId, { outcome, latencyMs, ttftMs: input.ttftMs });
    this.resolveEnd(result);
  }
}
