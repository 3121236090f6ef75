import type { Exchange } from './exchange.js';

/** The request's query string, parsed once. */
export function queryParams(exchange: Exchange): URLSearchParams {
  const url = exchange.req.url ?? '';
  const mark = url.indexOf('?');
  return new URLSearchParams(mark === -1 ? '' : url.slice(mark + 1));
}
