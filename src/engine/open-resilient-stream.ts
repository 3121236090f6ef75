import type { CallOptions } from '../spec/chat-model.js';
import { isContentPart, type StreamPart } from '../spec/stream-part.js';
import { attemptDeadlines } from '../resilience/deadline-plan.js';
import type { AttemptPermit } from '../resilience/attempt-permit.js';
import type { Resilience } from '../resilience/resilience.js';
import { AttemptsFailedError, runResilientAttempts } from '../resilience/run-resilient-attempts.js';
import { attributed, type AttemptLoopOptions } from './attempt-loop.js';
import { attemptRecordOfStep } from './attempt-record-of-step.js';
import { resilientAttemptsOptions } from './resilient-attempts-options.js';
import { AttemptsExhaustedError } from './attempts-exhausted-error.js';
import type { AttemptRecord } from './gateway.js';
import type { CommittedStream } from './open-committed-stream.js';
import { continueStream, errorFromPart, type StreamEnd } from './stream-tail.js';

/** A stream read ahead to its commit point. */
interface OpenedStream {
  buffered: StreamPart[];
  /** Undefined when the upstream ended before any content. */
  iterator: AsyncIterator<StreamPart> | undefined;
  started: number;
  ttftMs: number;
  abort(): void;
  /** Stops following the loop's signal (once the stream is over). */
  detach(): void;
}

/**
 * Reads one upstream stream ahead to its first content part. Any failure before it is thrown,
 * so the resilience loop may retry or fall back without the client seeing anything.
 */
async function readToCommitPoint(
  options: AttemptLoopOptions,
  deploymentId: string,
  signal: AbortSignal,
  open: (deploymentId: string, callOptions: CallOptions) => AsyncIterable<StreamPart>,
): Promise<OpenedStream> {
  const now = options.now ?? Date.now;
  const started = now();
  // Own controller: the tail aborts it when the reader stops, the loop's signal covers the rest.
  // It follows the loop's signal through one listener rather than `AbortSignal.any`, which made
  // a third signal and cost about 13 µs more per stream on Node 20.
  const controller = new AbortController();
  const follow = (): void => controller.abort(signal.reason);
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, { once: true });
  const detach = (): void => signal.removeEventListener('abort', follow);
  const abort = (): void => controller.abort();
  const callOptions: CallOptions = {
    signal: controller.signal,
    deadlines: attemptDeadlines(options.deadlinesFor?.(deploymentId), options.deadlineAt, started),
  };
  if (options.headers !== undefined) callOptions.headers = options.headers;
  const buffered: StreamPart[] = [];
  let iterator: AsyncIterator<StreamPart> | undefined;
  try {
    iterator = open(deploymentId, callOptions)[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return { buffered, iterator: undefined, started, ttftMs: now() - started, abort, detach };
      if (next.value.type === 'error') throw errorFromPart(next.value.error, deploymentId);
      buffered.push(next.value);
      if (isContentPart(next.value)) return { buffered, iterator, started, ttftMs: now() - started, abort, detach };
    }
  } catch (thrown) {
    controller.abort();
    detach();
    void iterator?.return?.().catch(() => undefined);
    throw attributed(thrown, deploymentId, options.signal);
  }
}

/** Settles the winner's admission permit with how its stream really ended. */
function settlePermit(permit: AttemptPermit, end: StreamEnd): void {
  const { attempt } = end;
  if (end.outcome === 'ok') {
    const tokens = end.usage === undefined ? undefined : end.usage.inputTokens + end.usage.outputTokens;
    permit.succeeded({ latencyMs: attempt.latencyMs, ...(attempt.ttftMs === undefined ? {} : { ttftMs: attempt.ttftMs }), ...(tokens === undefined ? {} : { tokens }) });
  } else if (attempt.errorCode === 'client_closed') {
    // Says nothing about the deployment: no verdict for its breaker.
    permit.abandoned();
  } else {
    permit.failed(end.error ?? new Error(attempt.message ?? 'stream failed'), { latencyMs: attempt.latencyMs });
  }
}

/**
 * The stream loop with the resilience layer in charge: the same admission, retries, fallback
 * by outcome class, retry budget and deadlines as non-streaming calls, up to the commit point
 * (the first content part). After it a failure ends the stream in-band; the breaker and the
 * live stats hear the verdict when the stream ends.
 */
export async function openResilientStream(
  options: AttemptLoopOptions,
  resilience: Resilience,
  open: (deploymentId: string, callOptions: CallOptions) => AsyncIterable<StreamPart>,
): Promise<CommittedStream> {
  const failed: AttemptRecord[] = [];
  let winnerRole: AttemptRecord['role'];
  let done;
  try {
    const attempts = resilientAttemptsOptions<OpenedStream>(options, resilience, (deploymentId, signal) => readToCommitPoint(options, deploymentId, signal, open));
    attempts.keepPermit = true;
    // A leg that reached its first token after another had won: close it, it costs for nothing.
    attempts.discard = (late) => {
      late.abort();
      late.detach();
      void late.iterator?.return?.().catch(() => undefined);
    };
    attempts.onStep = (step) => {
      // The winner's record comes from the tail, once the stream is over.
      if (step.called && step.outcome !== 'ok') failed.push(attemptRecordOfStep(step));
      else if (step.outcome === 'ok') winnerRole = step.role;
    };
    done = await runResilientAttempts(attempts);
  } catch (error) {
    if (error instanceof AttemptsFailedError) throw new AttemptsExhaustedError(error.error, failed);
    throw error;
  }
  const { value: opened, deploymentId, permit } = done;
  const tail = continueStream({
    deploymentId,
    buffered: opened.buffered,
    iterator: opened.iterator,
    started: opened.started,
    ttftMs: opened.ttftMs,
    options,
    abort: opened.abort,
    detach: opened.detach,
    ...(winnerRole === undefined ? {} : { role: winnerRole }),
    report: (end) => {
      if (permit !== undefined) settlePermit(permit, end);
    },
  });
  return { deploymentId, failedAttempts: failed, parts: tail.parts, end: tail.end };
}
