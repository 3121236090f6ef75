import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayTables } from './gateway-tables.js';
import type { Target } from './resolve-target.js';

/**
 * Applies a key's allowed models (deployment ids, aliases, policy names) to a resolved target.
 * A deployment or alias the key may not use is refused with `forbidden` (403). A policy is
 * allowed when the key lists it or lists deployments; then it only ranks the deployments the key
 * may use, so routing never picks one the key cannot pay for.
 */
export function restrictToAllowed(tables: GatewayTables, model: string, target: Target, allowed: readonly string[] | undefined): Target {
  if (allowed === undefined) return target;
  const names = new Set(allowed);
  const deployments = new Set<string>();
  for (const name of allowed) {
    if (tables.deployments.has(name)) deployments.add(name);
    for (const id of tables.aliases.get(name) ?? []) deployments.add(id);
  }
  const refuse = (): never => {
    throw new GatewayError('forbidden', `This API key may not use '${model}'. Allowed: ${allowed.join(', ') || 'nothing'}.`, { param: 'model' });
  };
  if (target.kind === 'deployment' || target.kind === 'alias') {
    if (names.has(model)) return target;
    if (target.candidates.length > 0 && target.candidates.every((p) => deployments.has(p.id))) return target;
    return refuse();
  }
  const policyListed = names.has(model) || names.has(target.policy.name) || names.has(`router/${target.policy.name}`);
  if (deployments.size === 0) return policyListed ? target : refuse();
  const candidates = target.candidates.filter((p) => deployments.has(p.id));
  if (candidates.length === 0) refuse();
  return Object.assign({}, target, { candidates });
}

/** Whether a fallback deployment may be called for this key. */
export function allowsDeployment(tables: GatewayTables, allowed: readonly string[] | undefined, deploymentId: string): boolean {
  if (allowed === undefined) return true;
  if (allowed.includes(deploymentId)) return true;
  const listsDeployments = allowed.some((name) => tables.deployments.has(name) || tables.aliases.has(name));
  if (!listsDeployments) return true;
  return allowed.some((name) => tables.aliases.get(name)?.includes(deploymentId) === true);
}
