import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayConfig } from './config-schema.js';

/**
 * Checks that every alias, policy list and default policy names something that exists. Runs
 * once the full set of deployments is known (configured plus auto-detected and simulated).
 */
export function validateReferences(config: GatewayConfig, deploymentIds: ReadonlySet<string>, builtInPolicies: readonly string[], source = 'config'): void {
  const problems: string[] = [];
  for (const [alias, members] of Object.entries(config.aliases)) {
    if (deploymentIds.has(alias)) problems.push(`aliases.${alias}: the name is already a deployment id`);
    members.forEach((member, index) => {
      if (!deploymentIds.has(member)) problems.push(`aliases.${alias}[${index}]: no deployment "${member}"`);
    });
  }
  for (const [name, policy] of Object.entries(config.policies)) {
    for (const [field, list] of [['deployments', policy.deployments], ['fallback', policy.fallback]] as const) {
      list?.forEach((member, index) => {
        if (!deploymentIds.has(member) && !(member in config.aliases)) {
          problems.push(`policies.${name}.${field}[${index}]: no deployment or alias "${member}"`);
        }
      });
    }
    if (policy.contentFilterFallback !== undefined && !deploymentIds.has(policy.contentFilterFallback)) {
      problems.push(`policies.${name}.contentFilterFallback: no deployment "${policy.contentFilterFallback}"`);
    }
  }
  const policyNames = new Set([...builtInPolicies, ...Object.keys(config.policies)]);
  if (!policyNames.has(config.routing.defaultPolicy)) {
    problems.push(`routing.defaultPolicy: no policy "${config.routing.defaultPolicy}" (known: ${[...policyNames].join(', ')})`);
  }
  if (problems.length > 0) {
    throw new GatewayError('invalid_config', `${source} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
