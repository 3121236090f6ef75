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

export function jsonHeaders(body: string, extra: OutgoingHttpHeaders = {}): OutgoingHttpHeaders {
  return { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extra };
}
