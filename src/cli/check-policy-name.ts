import type { Gateway } from '../engine/index.js';
import { GatewayError } from '../errors/gateway-error.js';

/** Refuses a `--policy` the gateway does not have, naming the ones it does. */
export function checkPolicyName(gateway: Gateway, name: string | undefined): void {
  if (name === undefined) return;
  const known = gateway.summary.policies;
  const bare = name.startsWith('router/') ? name.slice('router/'.length) : name;
  if (!known.includes(bare)) throw new GatewayError('invalid_request', `--policy names no policy: '${name}'. Known: ${known.join(', ')}.`, { param: 'policy' });
}
