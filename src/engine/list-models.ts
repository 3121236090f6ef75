import { BUILT_IN_POLICIES } from '../routing/built-in-policies.js';
import type { ModelListing } from './gateway.js';
import type { GatewayTables } from './gateway-tables.js';

/** Every deployment, alias and policy, as `GET /v1/models` lists them; built once per config. */
export function listModels(tables: GatewayTables): ModelListing[] {
  const out: ModelListing[] = [];
  for (const deployment of tables.deployments.values()) {
    out.push({ id: deployment.id, kind: 'deployment', ownedBy: deployment.profile.provider, profile: deployment.profile });
  }
  for (const [name, deployments] of tables.aliases) {
    out.push({ id: name, kind: 'alias', ownedBy: 'switchyard', deployments: [...deployments], description: `alias of ${deployments.join(', ')}` });
  }
  out.push({ id: 'auto', kind: 'policy', ownedBy: 'switchyard', description: `the default policy (${tables.defaultPolicy})` });
  const builtIn = Object.values(BUILT_IN_POLICIES).filter((policy) => !tables.policies.has(policy.name));
  for (const policy of [...builtIn, ...tables.policies.values()]) {
    const entry: ModelListing = { id: `router/${policy.name}`, kind: 'policy', ownedBy: 'switchyard' };
    if (policy.description !== undefined) entry.description = policy.description;
    out.push(entry);
  }
  return out;
}
