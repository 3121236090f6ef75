import { GatewayError } from '../errors/gateway-error.js';
import type { RoutingWishes } from '../spec/routing-wishes.js';

type Priorities = NonNullable<RoutingWishes['priorities']>;
const KEYS = ['cost', 'latency', 'quality'] as const;

/** `cost=1,latency=0.5,quality=2` as routing priorities; unknown keys and bad numbers are refused. */
export function parsePriorities(text: string): Priorities {
  const priorities: Priorities = {};
  for (const item of text.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const [key, raw] = item.split('=').map((part) => part.trim());
    const value = Number(raw);
    if (!(KEYS as readonly string[]).includes(key ?? '') || raw === undefined || raw === '' || !Number.isFinite(value) || value < 0) {
      throw new GatewayError('invalid_request', `--priority: expected ${KEYS.map((k) => `${k}=N`).join(',')} with N >= 0, got "${item}"`, { param: 'priority' });
    }
    priorities[key as (typeof KEYS)[number]] = value;
  }
  return priorities;
}
