import type { GatewayError } from '../errors/gateway-error.js';
import { extractFinalAnswer, normalizeAnswer } from './final-answer.js';
import { race } from './race.js';

/** How two answers are judged equal: their keys match. */
export type ConsensusComparator = 'exact' | 'normalized' | 'majority' | ((text: string) => string);

export interface ConsensusOptions<T> {
  starters: ReadonlyArray<(signal: AbortSignal) => Promise<T>>;
  /** The text of an answer to compare. */
  textOf(value: T): string;
  comparator: ConsensusComparator;
  signal?: AbortSignal;
}

export interface ConsensusGroup {
  key: string;
  /** Candidate indexes that gave this answer, best-ranked first. */
  indices: number[];
}

export interface ConsensusResult<T> {
  /** The answer of the best-ranked candidate in the largest group. */
  value: T;
  index: number;
  key: string;
  /** Share of the received answers in the winning group, in [0, 1]. */
  agreement: number;
  answered: number;
  failures: Array<{ index: number; error: GatewayError }>;
  groups: ConsensusGroup[];
}

export function comparatorKey(comparator: ConsensusComparator): (text: string) => string {
  if (typeof comparator === 'function') return comparator;
  switch (comparator) {
    case 'exact':
      return (text) => text;
    case 'normalized':
      return normalizeAnswer;
    case 'majority':
      return extractFinalAnswer;
  }
}

/**
 * `mode: consensus`: asks every candidate, groups the answers by the comparator and returns the
 * largest group (ties go to the best-ranked candidate). Rejects only when every candidate fails.
 */
export async function consensus<T>(options: ConsensusOptions<T>): Promise<ConsensusResult<T>> {
  const key = comparatorKey(options.comparator);
  const settled = await Promise.all(
    options.starters.map((start, index) =>
      race({ starters: [start], ...(options.signal === undefined ? {} : { signal: options.signal }) }).then(
        (result) => ({ index, ok: true as const, value: result.value }),
        (error: GatewayError) => ({ index, ok: false as const, error }),
      ),
    ),
  );
  const answers = settled.filter((entry) => entry.ok);
  const failures = settled.filter((entry) => !entry.ok).map(({ index, error }) => ({ index, error }));
  const first = answers[0];
  if (first === undefined) {
    const best = failures[0];
    throw best === undefined ? new RangeError('consensus needs at least one candidate') : best.error;
  }
  const byKey = new Map<string, ConsensusGroup>();
  for (const answer of answers) {
    const k = key(options.textOf(answer.value));
    const group = byKey.get(k) ?? { key: k, indices: [] };
    group.indices.push(answer.index);
    byKey.set(k, group);
  }
  const groups = [...byKey.values()].sort((a, b) => b.indices.length - a.indices.length || (a.indices[0] ?? 0) - (b.indices[0] ?? 0));
  const top = groups[0] as ConsensusGroup;
  const winnerIndex = top.indices[0] as number;
  const winner = answers.find((answer) => answer.index === winnerIndex) ?? first;
  return {
    value: winner.value,
    index: winner.index,
    key: top.key,
    agreement: top.indices.length / answers.length,
    answered: answers.length,
    failures,
    groups,
  };
}
