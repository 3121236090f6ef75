import { describe, expect, it } from 'vitest';
import type { ModelProfile } from '../spec/model-profile.js';
import { BUILT_IN_POLICIES } from '../routing/built-in-policies.js';
import type { GatewayDeployment, GatewayTables } from './gateway-tables.js';
import type { Target } from './resolve-target.js';
import { allowsDeployment, restrictToAllowed } from './restrict-to-allowed.js';

const profile = (id: string): ModelProfile => ({ id }) as ModelProfile;
const ids = ['p/a', 'p/b', 'p/c'];
const tables: GatewayTables = {
  deployments: new Map(ids.map((id) => [id, { id, profile: profile(id) } as GatewayDeployment])),
  profiles: ids.map(profile),
  aliases: new Map([['pair', ['p/a', 'p/b']]]),
  policies: new Map(),
  defaultPolicy: 'balanced',
};
const policy = { ...BUILT_IN_POLICIES.balanced };
const auto: Target = { kind: 'policy', policy, candidates: ids.map(profile) };
const deployment = (id: string): Target => ({ kind: 'deployment', policy, candidates: [profile(id)] });

describe('restrictToAllowed', () => {
  it('lets everything through without a list', () => {
    expect(restrictToAllowed(tables, 'auto', auto, undefined)).toBe(auto);
  });

  it('refuses a deployment not listed, directly or through an alias, with 403', () => {
    expect(restrictToAllowed(tables, 'p/a', deployment('p/a'), ['pair']).candidates).toHaveLength(1);
    expect(() => restrictToAllowed(tables, 'p/c', deployment('p/c'), ['pair'])).toThrow(expect.objectContaining({ code: 'forbidden', status: 403 }));
    const alias: Target = { kind: 'alias', policy, candidates: [profile('p/a'), profile('p/b')] };
    expect(() => restrictToAllowed(tables, 'pair', alias, ['p/a'])).toThrow(/may not use 'pair'/);
  });

  it('routes a policy among the allowed deployments only', () => {
    expect(restrictToAllowed(tables, 'auto', auto, ['pair']).candidates.map((p) => p.id)).toEqual(['p/a', 'p/b']);
  });

  it('a key listing policies only may use those policies, over every deployment', () => {
    expect(restrictToAllowed(tables, 'router/balanced', auto, ['router/balanced']).candidates).toHaveLength(3);
    expect(() => restrictToAllowed(tables, 'router/best', { ...auto, policy: { ...policy, name: 'best' } }, ['router/balanced'])).toThrow(/forbidden|may not use/);
  });

  it('fallbacks: only allowed deployments when the key lists any', () => {
    expect(allowsDeployment(tables, ['pair'], 'p/c')).toBe(false);
    expect(allowsDeployment(tables, ['pair'], 'p/b')).toBe(true);
    expect(allowsDeployment(tables, ['router/balanced'], 'p/c')).toBe(true);
    expect(allowsDeployment(tables, undefined, 'p/c')).toBe(true);
  });
});
