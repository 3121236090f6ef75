import type { FinishReason } from '../spec/finish-reason.js';
import type { GatewayErrorInfo } from '../spec/gateway-error-info.js';
import type { OutcomeClass } from '../spec/outcome-class.js';
import type { StreamPart } from '../spec/stream-part.js';
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
  iterator: AsyncIterator<StreamPart> | undefined;
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

export function continueStream(input: TailInput): { parts: AsyncIterable<StreamPart>; end: Promise<StreamEnd> } {
  const { deploymentId, options } = input;
  const now = options.now ?? Date.now;
  let resolveEnd!: (end: StreamEnd) => void;
  const end = new Promise<StreamEnd>((resolve) => (resolveEnd = resolve));
  const output: string[] = [];
  const openChoices = new Set<number>();
  let usage: Usage | undefined;
  let finishReason: FinishReason | undefined;

  const observe = (part: StreamPart): void => {
    switch (part.type) {
      case 'text-delta':
      case 'reasoning-delta':
      case 'refusal-delta':
        openChoices.add(part.choiceIndex);
        output.push(part.text);
        return;
      case 'tool-call-delta':
        openChoices.add(part.choiceIndex);
        if (part.name !== undefined) output.push(part.name);
        output.push(part.argumentsDelta);
        return;
      case 'finish':
        openChoices.delete(part.choiceIndex);
        finishReason ??= part.finishReason;
        return;
      case 'usage':
        usage = part.usage;
        return;
      case 'start':
      case 'error':
        return;
    }
  };

  async function* parts(): AsyncGenerator<StreamPart> {
    let failure: GatewayError | undefined;
    let complete = false;
    try {
      for (const part of input.buffered) {
        observe(part);
        yield part;
      }
      if (input.iterator !== undefined) {
        try {
          for (;;) {
            const next = await input.iterator.next();
            if (next.done === true) break;
            if (next.value.type === 'error') throw errorFromPart(next.value.error, deploymentId);
            observe(next.value);
            yield next.value;
          }
        } catch (thrown) {
          failure = attributed(thrown, deploymentId, options.signal);
        }
      }
      if (failure === undefined) {
        complete = true;
        return;
      }
      complete = true;
      const reported = new GatewayError('stream_interrupted', `${deploymentId}: the stream failed after it had started: ${failure.message}`, {
        outcome: failure.outcome,
        deploymentId,
        cause: failure,
      });
      yield { type: 'error', error: reported.toInfo() };
      if (openChoices.size === 0) openChoices.add(0);
      for (const choiceIndex of [...openChoices]) yield { type: 'finish', choiceIndex, finishReason: 'error' };
      finishReason = 'error';
    } finally {
      settle(failure, complete);
    }
  }

  let settled = false;
  function settle(failureSoFar: GatewayError | undefined, complete: boolean): void {
    if (settled) return;
    settled = true;
    let failure = failureSoFar;
    if (!complete) {
      // The reader stopped early (client gone): stop paying for tokens nobody reads.
      input.abort();
      void input.iterator?.return?.().catch(() => undefined);
      failure ??= new GatewayError('client_closed', 'The client closed the stream.', { deploymentId });
    }
    input.detach();
    const latencyMs = now() - input.started;
    const outcome: OutcomeClass = failure?.outcome ?? 'ok';
    const attempt: AttemptRecord = { deploymentId, outcome, latencyMs, ttftMs: input.ttftMs };
    if (input.role !== undefined) attempt.role = input.role;
    if (failure !== undefined) {
      attempt.errorCode = failure.code;
      attempt.message = failure.message;
    }
    if (usage !== undefined) attempt.usage = usage;
    const result: StreamEnd = { attempt, outputText: output.join(''), outcome };
    if (usage !== undefined) result.usage = usage;
    if (finishReason !== undefined) result.finishReason = finishReason;
    if (failure !== undefined) result.error = failure.toInfo();
    if (input.report !== undefined) input.report(result);
    else options.stats?.end(deploymentId, { outcome, latencyMs, ttftMs: input.ttftMs });
    resolveEnd(result);
  }

  // A generator that was never started skips its `finally` on return(); settle it here instead.
  const generator = parts();
  let began = false;
  const iterable: AsyncIterableIterator<StreamPart> = {
    next: () => {
      began = true;
      return generator.next();
    },
    return: async (value?: unknown) => {
      if (!began) settle(undefined, false);
      return generator.return(value);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return { parts: iterable, end };
}
