import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { GatewayError } from '../errors/gateway-error.js';
import type { CacheDirective, CacheOutcome } from '../engine/gateway.js';

export const CACHE_HEADER = 'x-switchyard-cache';
const MODES = new Set(['on', 'off', 'refresh']);
const MAX_AGE = /(?:^|,)\s*max-age\s*=\s*(\d{1,9})\s*(?:,|$)/i;

/**
 * The caller's cache wishes: `x-switchyard-cache: on|off|refresh` and, from `cache-control`,
 * `max-age=N` (TTL and oldest acceptable answer), `no-store` (never written) and `no-cache`
 * (read skipped, as `refresh`). Undefined when the request says nothing about caching.
 */
export function parseCacheDirective(headers: IncomingHttpHeaders): CacheDirective | undefined {
  const mode = headers[CACHE_HEADER];
  const control = headers['cache-control'];
  if (mode === undefined && control === undefined) return undefined;
  const directive: CacheDirective = {};
  if (mode !== undefined) {
    const value = (Array.isArray(mode) ? mode[0] : mode)?.trim().toLowerCase() ?? '';
    if (!MODES.has(value)) throw new GatewayError('invalid_request', `${CACHE_HEADER} must be on, off or refresh; got '${value}'.`, { param: CACHE_HEADER });
    directive.mode = value as NonNullable<CacheDirective['mode']>;
  }
  if (typeof control === 'string') {
    const maxAge = MAX_AGE.exec(control);
    if (maxAge?.[1] !== undefined) directive.maxAgeSeconds = Number(maxAge[1]);
    const words = control.toLowerCase();
    if (/(?:^|,)\s*no-store\s*(?:,|$)/.test(words)) directive.noStore = true;
    if (/(?:^|,)\s*no-cache\s*(?:,|$)/.test(words) && directive.mode === undefined) directive.mode = 'refresh';
  }
  return directive;
}

/** `x-switchyard-cache: hit|miss|bypass`, with `age` on hits as HTTP caches report it. */
export function cacheOutcomeHeaders(outcome: CacheOutcome | undefined): OutgoingHttpHeaders {
  if (outcome === undefined) return {};
  const headers: OutgoingHttpHeaders = { [CACHE_HEADER]: outcome.status };
  if (outcome.status === 'hit') {
    if (outcome.kind !== undefined) headers[`${CACHE_HEADER}-kind`] = outcome.kind;
    if (outcome.ageSeconds !== undefined) headers.age = String(outcome.ageSeconds);
  }
  return headers;
}
