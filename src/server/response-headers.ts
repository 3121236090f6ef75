import type { OutgoingHttpHeaders } from 'node:http';

/** Header names, in one place so docs and tests agree. */
export const HEADER = {
  deployment: 'x-switchyard-deployment',
  decisionId: 'x-switchyard-decision-id',
  costUsd: 'x-switchyard-cost-usd',
  attempts: 'x-switchyard-attempts',
  consensusAgreement: 'x-switchyard-consensus-agreement',
  requestId: 'x-request-id',
} as const;

/** USD amounts in headers: fixed precision, no exponent notation. */
export function formatUsd(value: number): string {
  return value.toFixed(8);
}

/**
 * A JSON answer's headers: its type and length, the request id, then `extra` (whose values win
 * for names already there, keeping their place). One object, filled in place: the spreads this
 * was built with made three objects for every answer.
 */
export function jsonHeaders(body: string, requestId: string, extra?: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), [HEADER.requestId]: requestId };
  return extra === undefined ? headers : Object.assign(headers, extra);
}
