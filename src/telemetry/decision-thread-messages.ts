import type { DecisionRecord } from './decision-record.js';

/** What the decision log's writer thread is started with: the log's file, its schema already created. */
export interface DecisionThreadData {
  path: string;
}

/**
 * Records to insert and, now and then, a retention cut; `close` asks the thread to close its
 * connection and exit once everything before it is written.
 */
export interface DecisionThreadRequest {
  records?: readonly DecisionRecord[];
  pruneBefore?: number;
  close?: true;
}

/** One per request, in order: written, or `error` when it was not. */
export interface DecisionThreadReply {
  error?: string;
}
