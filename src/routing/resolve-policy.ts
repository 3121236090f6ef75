import type { Policy } from './policy.js';
import { BUILT_IN_POLICIES, DEFAULT_POLICY_NAME } from './built-in-policies.js';

const ROUTER_PREFIX = 'router/';

/**
 * Maps a requested model name to a policy, or `undefined` when the name is not a policy (then
 * it names a deployment or alias). `auto` is the default policy; `router/<name>` and a bare
 * `<name>` both name a policy. Config policies shadow built-ins of the same name.
 */
export function resolvePolicy(
  requested: string,
  options: { policies?: ReadonlyMap<string, Policy>; defaultPolicy?: string } = {},
): Policy | undefined {
  const defaultName = options.defaultPolicy ?? DEFAULT_POLICY_NAME;
  let name: string;
  if (requested === 'auto' || requested === ROUTER_PREFIX + 'auto') name = defaultName;
  else if (requested.startsWith(ROUTER_PREFIX)) name = requested.slice(ROUTER_PREFIX.length);
  else name = requested;
  const configured = options.policies?.get(name);
  if (configured) return configured;
  return Object.hasOwn(BUILT_IN_POLICIES, name) ? BUILT_IN_POLICIES[name as keyof typeof BUILT_IN_POLICIES] : undefined;
}
