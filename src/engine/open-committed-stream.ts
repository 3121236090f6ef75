import type { StreamPart } from '../spec/stream-part.js';
import { isContentPart } from '../spec/stream-part.js';
import { GatewayError } from '../errors/gateway-error.js';
import { attemptCallOptions, attributed, recordFailure, type AttemptLoopOptions } from './attempt-loop.js';
import { AttemptsExhaustedError } from './attempts-exhausted-error.js';
import type { AttemptRecord } from './gateway.js';
import { openResilientStream } from './open-resilient-stream.js';
import { continueStream, errorFromPart, type StreamEnd } from './stream-tail.js';

export type { StreamEnd } from './stream-tail.js';

export interface CommittedStream {
  deploymentId: string;
  failedAttempts: AttemptRecord[];
  parts: AsyncIterable<StreamPart>;
  /** Resolves once the stream ended or its reader stopped; never rejects. */
  end: Promise<StreamEnd>;
}

/**
 * Opens a stream on the first candidate that reaches its commit point: parts are read ahead
 * until the first content part, so any failure before it moves on to the next candidate
 * without the client seeing anything. Past it, a failure is reported in-band.
 */
export async function openCommittedStream(
  options: AttemptLoopOptions,
  open: (deploymentId: string, callOptions: ReturnType<typeof attemptCallOptions>) => AsyncIterable<StreamPart>,
): Promise<CommittedStream> {
  if (options.resilience !== undefined && options.candidates.length > 0) return openResilientStream(options, options.resilience, open);
  const now = options.now ?? Date.now;
  const attempts: AttemptRecord[] = [];
  if (options.candidates.length === 0) throw new GatewayError('no_candidate', 'No deployment is left to try.');
  for (const deploymentId of options.candidates) {
    const started = now();
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) controller.abort();
    options.stats?.begin(deploymentId);
    const buffered: StreamPart[] = [];
    let iterator: AsyncIterator<StreamPart> | undefined;
    let ended = false;
    try {
      iterator = open(deploymentId, attemptCallOptions(options, deploymentId, controller.signal))[Symbol.asyncIterator]();
      for (;;) {
        const next = await iterator.next();
        if (next.done === true) {
          ended = true;
          break;
        }
        if (next.value.type === 'error') throw errorFromPart(next.value.error, deploymentId);
        buffered.push(next.value);
        if (isContentPart(next.value)) break;
      }
    } catch (thrown) {
      const error = attributed(thrown, deploymentId, options.signal);
      controller.abort();
      options.signal?.removeEventListener('abort', onAbort);
      void iterator?.return?.().catch(() => undefined);
      if (!recordFailure(options, attempts, deploymentId, error, now() - started)) {
        throw new AttemptsExhaustedError(error, attempts);
      }
      continue;
    }
    const ttftMs = now() - started;
    const tail = continueStream({
      deploymentId,
      buffered,
      iterator: ended ? undefined : iterator,
      started,
      ttftMs,
      options,
      abort: () => controller.abort(),
      detach: () => options.signal?.removeEventListener('abort', onAbort),
    });
    return { deploymentId, failedAttempts: attempts, parts: tail.parts, end: tail.end };
  }
  throw new GatewayError('internal', 'The stream loop ran out of candidates.');
}

