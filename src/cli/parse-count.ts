import { GatewayError } from '../errors/gateway-error.js';

/** A non-negative whole number from a command-line option, or a clear error naming the option. */
export function parseCount(value: string, option: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0) throw new GatewayError('invalid_request', `${option} must be a whole number >= 0, not "${value}"`, { param: option });
  return n;
}
