import type { ModelProfile } from '../spec/model-profile.js';
import { GatewayError } from '../errors/gateway-error.js';
import { BUILT_IN_POLICIES } from '../routing/built-in-policies.js';
import { resolvePolicy } from '../routing/resolve-policy.js';
import type { GatewayPolicy, GatewayTables } from './gateway-tables.js';

/** What a request's `model` names: the candidates to rank and the policy that ranks them. */
export interface Target {
  kind: 'deployment' | 'alias' | 'policy';
  policy: GatewayPolicy;
  candidates: readonly ModelProfile[];
}

function policyByName(tables: GatewayTables, name: string): GatewayPolicy | undefined {
  return resolvePolicy(name, { policies: tables.policies, defaultPolicy: tables.defaultPolicy });
}

/** Every name a client may put in `model` to get a policy. */
export function policyNames(tables: GatewayTables): string[] {
  const names = new Set<string>(['auto', ...Object.keys(BUILT_IN_POLICIES), ...tables.policies.keys()]);
  return [...names].map((name) => (name === 'auto' ? name : `router/${name}`));
}

/**
 * `model` as a deployment id (that deployment only), an alias (its deployments), or a policy
 * (`auto`, `router/<name>`, a config policy name: every deployment). A deployment or alias is
 * ranked by the `x-switchyard-policy` header's policy, else the default one.
 */
export function resolveTarget(tables: GatewayTables, model: string, headerPolicy: string | undefined): Target {
  let wished: GatewayPolicy | undefined;
  if (headerPolicy !== undefined) {
    wished = policyByName(tables, headerPolicy);
    if (wished === undefined) {
      throw new GatewayError('invalid_request', `Header 'x-switchyard-policy' names no policy: '${headerPolicy}'. Known: ${policyNames(tables).join(', ')}.`, {
        param: 'x-switchyard-policy',
      });
    }
  }
  const fallbackPolicy = (): GatewayPolicy => wished ?? (policyByName(tables, tables.defaultPolicy) as GatewayPolicy);
  const deployment = tables.deployments.get(model);
  if (deployment !== undefined) return { kind: 'deployment', policy: fallbackPolicy(), candidates: [deployment.profile] };
  const alias = tables.aliases.get(model);
  if (alias !== undefined) {
    const candidates = alias.map((id) => tables.deployments.get(id)?.profile).filter((p): p is ModelProfile => p !== undefined);
    return { kind: 'alias', policy: fallbackPolicy(), candidates };
  }
  // `auto` with a policy header means "route by that policy".
  const policy = model === 'auto' && wished !== undefined ? wished : policyByName(tables, model);
  if (policy !== undefined) return { kind: 'policy', policy, candidates: tables.profiles };
  throw new GatewayError('model_not_found', `The model '${model}' names no deployment, alias or policy. Try 'auto', a policy (${policyNames(tables).join(', ')}) or one of GET /v1/models.`, {
    param: 'model',
  });
}
