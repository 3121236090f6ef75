import { GatewayError, toGatewayError } from '../errors/gateway-error.js';
import { abortReason } from './abort-reason.js';
import type { AttemptPermit } from './attempt-permit.js';
import type { Clock, TimerHandle } from './clock.js';
import type { Admission } from './resilience.js';
import type { AttemptStep, SpreadRole } from './run-resilient-attempts.js';

/** A further leg of a spread attempt: which deployment, and how long after the first to start it. */
export interface AttemptLeg {
  deploymentId: string;
  delayMs: number;
}

export interface AttemptLegsInput<T> {
  /** The loop's pick, already admitted; started at once. */
  primary: { deploymentId: string; permit: AttemptPermit };
  /** Hedge: the next candidate after the hedge delay. Race: the next candidates, at once. */
  others: readonly AttemptLeg[];
  role: SpreadRole;
  clock: Clock;
  /** The request's signal: aborting it aborts every leg. */
  signal?: AbortSignal;
  /** Admission of a further leg; a refused leg is recorded as skipped and never called. */
  admit(deploymentId: string, signal: AbortSignal): Promise<Admission>;
  call(deploymentId: string, signal: AbortSignal): Promise<T>;
  /** A value that arrived after its leg had lost (an opened stream must be closed). */
  discard?(value: T): void;
  /** The legs' steps, in start order, once the winner is known (the winner's own step is the loop's). */
  record(step: AttemptStep): void;
}

export interface LegWin<T> {
  value: T;
  deploymentId: string;
  /** The winner's permit, not yet settled. */
  permit: AttemptPermit;
  latencyMs: number;
  /** Set when a further leg won. */
  role?: SpreadRole;
}

/**
 * Every leg failed. `error` is the first leg's failure (its permit is settled, its step left to
 * the loop, which records it with what it plans next); `called` the further legs that reached
 * their upstream; `steps` theirs, for the loop to record after the first leg's.
 */
export class LegsFailedError extends Error {
  override readonly name = 'LegsFailedError';
  constructor(
    readonly error: GatewayError,
    readonly latencyMs: number,
    readonly called: readonly string[],
    readonly steps: readonly AttemptStep[],
  ) {
    super(error.message, { cause: error });
  }
}

/** Why a losing leg was aborted; recorded on its attempt, never sent to a client. */
export function supersededError(deploymentId: string): GatewayError {
  return new GatewayError('superseded', 'Another attempt of this request answered first; this one was aborted.', { deploymentId });
}

interface Leg {
  deploymentId: string;
  primary: boolean;
  controller: AbortController;
  /** The request's signal and the leg's own, together. */
  signal: AbortSignal;
  /** Set once admitted (the primary comes admitted). */
  permit?: AttemptPermit;
  started: number;
  state: 'waiting' | 'running' | 'failed' | 'done';
  error?: GatewayError;
  latencyMs?: number;
  /** How the leg ended, once it has (the first leg's failure excepted until another leg wins). */
  step?: AttemptStep;
}

/**
 * One attempt spread over several deployments (hedging, `mode: race`): the first leg starts at
 * once, the others after their delays, each admitted and called with its own abort signal. The
 * first to resolve wins and every other running leg is aborted at once, so that its upstream
 * sees the connection close and it stops costing. When every started leg has failed, legs still
 * waiting are not started: the loop's retry and fallback take over from the first leg's failure.
 */
export function runAttemptLegs<T>(input: AttemptLegsInput<T>): Promise<LegWin<T>> {
  const { clock, signal } = input;
  const legs: Leg[] = [];
  const timers = new Set<TimerHandle>();
  let settled = false;

  return new Promise<LegWin<T>>((resolve, reject) => {
    const running = (): boolean => legs.some((leg) => leg.state === 'running');
    const newLeg = (deploymentId: string, primary: boolean, permit?: AttemptPermit): Leg => {
      const controller = new AbortController();
      const legSignal = signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
      const leg: Leg = { deploymentId, primary, controller, signal: legSignal, started: clock.now(), state: 'running' };
      if (permit !== undefined) leg.permit = permit;
      legs.push(leg);
      return leg;
    };
    const stopTimers = (): void => {
      for (const timer of timers) clock.clearTimeout(timer);
      timers.clear();
    };

    const giveUpIfIdle = (): void => {
      if (settled || running()) return;
      settled = true;
      stopTimers();
      const first = legs[0] as Leg;
      const error = first.error ?? new GatewayError('internal', 'A spread attempt ended without an outcome.');
      const called = legs.filter((leg) => !leg.primary && leg.permit !== undefined).map((leg) => leg.deploymentId);
      const steps = legs.flatMap((leg) => (leg.step === undefined ? [] : [leg.step]));
      reject(new LegsFailedError(error, first.latencyMs ?? clock.now() - first.started, called, steps));
    };

    const win = (winner: Leg, value: T): void => {
      settled = true;
      stopTimers();
      const latencyMs = clock.now() - winner.started;
      winner.state = 'done';
      for (const leg of legs) {
        if (leg === winner) continue;
        const role = leg.primary && input.role === 'hedge' ? undefined : input.role;
        if (leg.state === 'failed' && leg.primary && leg.error !== undefined) {
          // The loop never sees the first leg's failure once another leg answered: it goes with the legs'.
          leg.step = step(leg, leg.error, leg.latencyMs ?? 0, role);
        } else if (leg.state === 'running') {
          leg.state = 'done';
          const reason = supersededError(leg.deploymentId);
          leg.controller.abort(reason);
          if (leg.permit !== undefined) {
            // Aborted by us: no verdict on the deployment's health.
            leg.permit.abandoned();
            leg.step = step(leg, reason, clock.now() - leg.started, role);
          }
        }
        if (leg.step !== undefined) input.record(leg.step);
      }
      const won: LegWin<T> = { value, deploymentId: winner.deploymentId, permit: winner.permit as AttemptPermit, latencyMs };
      if (!winner.primary || input.role === 'race') won.role = input.role;
      resolve(won);
    };

    const fail = (leg: Leg, thrown: unknown): void => {
      if (settled || leg.state !== 'running') return;
      leg.state = 'failed';
      leg.latencyMs = clock.now() - leg.started;
      // The client gone says nothing about the deployment: its permit must hear exactly that.
      leg.error = signal?.aborted === true ? abortReason(signal) : toGatewayError(thrown);
      leg.permit?.failed(leg.error, { latencyMs: leg.latencyMs });
      if (!leg.primary && leg.permit !== undefined) leg.step = step(leg, leg.error, leg.latencyMs, input.role);
      giveUpIfIdle();
    };

    const run = (leg: Leg): void => {
      let pending: Promise<T>;
      try {
        pending = input.call(leg.deploymentId, leg.signal);
      } catch (thrown) {
        // A call may refuse synchronously (the deadline passed before it could start).
        fail(leg, thrown);
        return;
      }
      pending.then(
        (value) => {
          if (settled || leg.state !== 'running') {
            input.discard?.(value);
            return;
          }
          win(leg, value);
        },
        (thrown: unknown) => fail(leg, thrown),
      );
    };

    const startOther = (deploymentId: string): void => {
      const leg = newLeg(deploymentId, false);
      input.admit(deploymentId, leg.signal).then(
        (admission) => {
          if (!admission.admitted) {
            leg.step = { deploymentId, called: false, outcome: admission.error.outcome, error: admission.error, latencyMs: 0, role: input.role };
            leg.state = 'failed';
            giveUpIfIdle();
            return;
          }
          if (settled || leg.state !== 'running') {
            admission.permit.abandoned();
            return;
          }
          leg.permit = admission.permit;
          leg.started = clock.now();
          run(leg);
        },
        (thrown: unknown) => {
          // Admission only throws when the leg's signal fired while it queued.
          leg.state = 'failed';
          leg.error = signal?.aborted === true ? abortReason(signal) : toGatewayError(thrown);
          giveUpIfIdle();
        },
      );
    };

    run(newLeg(input.primary.deploymentId, true, input.primary.permit));
    for (const other of input.others) {
      if (other.delayMs <= 0) {
        startOther(other.deploymentId);
        continue;
      }
      const timer = clock.setTimeout(() => {
        timers.delete(timer);
        if (!settled) startOther(other.deploymentId);
      }, other.delayMs);
      timers.add(timer);
    }
  });
}

function step(leg: Leg, error: GatewayError, latencyMs: number, role: SpreadRole | undefined): AttemptStep {
  const recorded: AttemptStep = { deploymentId: leg.deploymentId, called: true, outcome: error.outcome, error, latencyMs };
  if (role !== undefined) recorded.role = role;
  return recorded;
}
