import { GatewayError } from '../errors/gateway-error.js';

/** Parses upstream JSON; a malformed body becomes a typed, retryable `upstream_bad_response`. */
export function parseUpstreamJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const preview = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    throw new GatewayError('upstream_bad_response', `${what} is not valid JSON: ${preview}`, { cause: error });
  }
}

/** Parses JSON without throwing; for error bodies, which may be anything. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
