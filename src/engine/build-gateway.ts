import type { ModelProfile } from '../spec/model-profile.js';
import type { GatewayConfig } from '../config/config-schema.js';
import { GatewayError } from '../errors/gateway-error.js';
import { UpstreamPools, type UpstreamPoolOptions } from '../http/upstream-pools.js';
import { resolveModelProfile } from '../catalog/resolve-model-profile.js';
import { BUILT_IN_POLICIES, DEFAULT_POLICY_NAME } from '../routing/built-in-policies.js';
import type { DecideDeps } from '../routing/decide.js';
import { Resilience } from '../resilience/resilience.js';
import type { BreakerStore } from '../resilience/breaker-store.js';
import type { RateLimiter } from '../resilience/rate-limiter.js';
import type { ConcurrencyLeases } from '../resilience/leased-concurrency-gate.js';
import type { LiveStats } from '../spec/live-stats.js';
import { findOpenAICompatiblePreset } from '../providers/openai/index.js';
import type { ProviderFactory } from '../providers/provider-factory.js';
import { createProviderRegistry } from '../providers/provider-registry.js';
import { configDeployments } from './config-deployments.js';
import type { DeploymentSpec } from './deployment-spec.js';
import { parallelPlan } from './parallel-plan.js';
import { detectEnvDeployments } from './env-deployments.js';
import type { Gateway, GatewaySummary } from './gateway.js';
import type { GatewayAccounting } from './gateway-accounting.js';
import type { GatewayDeployment, GatewayPolicy, GatewayTables } from './gateway-tables.js';
import { SIMULATED_TYPE, simulatedDeployments } from './simulated-deployments.js';
import { SwitchyardGateway } from './switchyard-gateway.js';
import { withResponseCache, type WithResponseCacheOptions } from './cache/with-response-cache.js';
import type { GatewayLearning } from './learning/gateway-learning.js';
import { resolveTarget } from './resolve-target.js';
import type { BuiltEngine } from './start-gateway-upkeep.js';
import { GatewayNativeBatch } from './batch/native-batch-access.js';
import { timeOrderedUuid } from './time-ordered-uuid.js';

export interface BuildGatewayOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Extra or replacement provider factories (plugins, tests). */
  providers?: readonly ProviderFactory[];
  pools?: UpstreamPoolOptions;
  routingDeps?: DecideDeps;
  /** Most upstream calls per request unless a policy says otherwise (default 4). */
  maxAttempts?: number;
  now?: () => number;
  /** Cost control (see `openGatewayAccounting`); shared across config reloads, so the caller closes it. */
  accounting?: GatewayAccounting;
  /** Response cache extras: a prebuilt store, the hit observer, error reporting (see `withResponseCache`). */
  cache?: Omit<WithResponseCacheOptions, 'ledger' | 'now'>;
  /** Learned quality, feedback and experiments (see `openGatewayLearning`); shared across config reloads. */
  learning?: GatewayLearning;
  /** Cluster-wide breakers, rate limits and live stats (Redis, scale-out); this process's own by default. */
  sharedState?: BuildGatewaySharedState;
  /** Told of each built engine before it serves, for the work beside it (`startGatewayUpkeep`). */
  onBuilt?(engine: BuiltEngine): void;
}

export interface BuildGatewaySharedState {
  breakerStore: BreakerStore;
  rateLimiter: RateLimiter;
  /** Cluster-wide concurrency slots, taken on top of this process's own queue. */
  concurrency?: ConcurrencyLeases;
  /** Publishes this gateway's live stats for the other processes (restarted on each build). */
  liveStats?: { start(source: () => ReadonlyMap<string, LiveStats>): void; stop(): void };
}

type Env = Readonly<Record<string, string | undefined>>;

function keyEnvFor(type: string): string | undefined {
  return findOpenAICompatiblePreset(type)?.apiKeyEnv;
}

/** Which deployments to build: config's, the environment's (unless config turns that off), and the simulated ones. */
function chooseSpecs(config: GatewayConfig, env: Env, notes: string[]): DeploymentSpec[] {
  const specs = configDeployments(config, env, keyEnvFor);
  const taken = new Set(specs.map((spec) => spec.id));
  if (config.autoDetectProviders) {
    for (const spec of detectEnvDeployments(env)) {
      if (taken.has(spec.id)) continue;
      taken.add(spec.id);
      specs.push(spec);
    }
  }
  const real = specs.some((spec) => spec.type !== SIMULATED_TYPE);
  const addSimulated = config.simulated === 'on' || (config.simulated === 'auto' && !real);
  if (addSimulated) {
    if (config.simulated === 'auto') notes.push('No real deployment is configured and no provider key is set: serving the simulated models.');
    for (const spec of simulatedDeployments()) {
      if (taken.has(spec.id)) continue;
      taken.add(spec.id);
      specs.push(spec);
    }
  }
  return specs;
}

function buildDeployment(spec: DeploymentSpec, factory: ProviderFactory, pools: UpstreamPools): GatewayDeployment {
  const profile: ModelProfile =
    spec.resolvedProfile ?? resolveModelProfile({ ...spec.profile, id: spec.id, provider: spec.type, model: spec.model, simulated: spec.type === SIMULATED_TYPE });
  const options: Parameters<ProviderFactory['create']>[0] = { deploymentId: spec.id, model: spec.model, pools };
  if (spec.baseUrl !== undefined) options.baseUrl = spec.baseUrl;
  if (spec.apiKey !== undefined) options.apiKey = spec.apiKey;
  if (spec.headers !== undefined) options.headers = spec.headers;
  if (spec.settings !== undefined) options.settings = spec.settings;
  const deployment: GatewayDeployment = { id: spec.id, profile, model: factory.create(options), source: spec.source };
  if (spec.deadlines !== undefined) deployment.deadlines = spec.deadlines;
  if (spec.baseUrl !== undefined) deployment.baseUrl = spec.baseUrl;
  return deployment;
}

/** Config policies as routing policies; unset weights take the default policy's. */
function buildPolicies(config: GatewayConfig, aliases: ReadonlyMap<string, readonly string[]>): Map<string, GatewayPolicy> {
  const expand = (names: readonly string[]): string[] => names.flatMap((name) => aliases.get(name) ?? [name]);
  const policies = new Map<string, GatewayPolicy>();
  for (const [name, entry] of Object.entries(config.policies)) {
    const base = BUILT_IN_POLICIES[DEFAULT_POLICY_NAME];
    const policy: GatewayPolicy = { name, weights: { ...base.weights, ...entry.weights } };
    if (entry.description !== undefined) policy.description = entry.description;
    if (entry.deployments !== undefined) policy.constraints = { allowedModels: expand(entry.deployments) };
    if (entry.fallback !== undefined) policy.fallback = expand(entry.fallback);
    if (entry.maxAttempts !== undefined) policy.maxAttempts = entry.maxAttempts;
    if (entry.retries !== undefined) policy.retries = entry.retries;
    if (entry.contentFilterFallback !== undefined) policy.contentFilterFallback = entry.contentFilterFallback;
    if (entry.hedging?.enabled === true) policy.hedging = entry.hedging.delayMs === undefined ? {} : { delayMs: entry.hedging.delayMs };
    const parallel = parallelPlan(entry.mode, entry.parallel);
    if (parallel !== undefined) policy.parallel = parallel;
    if (entry.budgetAware?.enabled !== undefined) policy.budgetAware = entry.budgetAware.enabled;
    if (entry.budgetAware?.enabled === true) {
      policy.budgetLevels = { floor: entry.budgetAware.floor ?? 0.2, cheapestOnlyBelow: entry.budgetAware.cheapestOnlyBelow ?? 0.05 };
    }
    policies.set(name, policy);
  }
  return policies;
}

/**
 * The composition root: from a validated config and the environment, builds the pools, every
 * deployment's profile and model, the alias and policy tables and the live stats, once. The
 * returned gateway's `summary` says which deployments are live and which simulated.
 */
export function buildGateway(config: GatewayConfig, options: BuildGatewayOptions = {}): Gateway {
  const env = options.env ?? process.env;
  const registry = createProviderRegistry(options.providers);
  const notes: string[] = [];
  const specs = chooseSpecs(config, env, notes);
  const pools = new UpstreamPools(options.pools);
  const deployments = new Map<string, GatewayDeployment>();
  for (const spec of specs) {
    const factory = registry.get(spec.type);
    if (factory === undefined) {
      throw new GatewayError('invalid_config', `Deployment ${spec.id}: unknown provider type '${spec.type}'. Known: ${[...registry.keys()].join(', ')}.`, { param: 'provider' });
    }
    deployments.set(spec.id, buildDeployment(spec, factory, pools));
  }
  if (deployments.size === 0) notes.push('No deployments: every chat request will fail with no_candidate.');

  const aliases = new Map<string, readonly string[]>();
  for (const [name, ids] of Object.entries(config.aliases)) {
    const known = ids.filter((id) => deployments.has(id));
    const missing = ids.filter((id) => !deployments.has(id));
    if (missing.length > 0) notes.push(`Alias ${name}: ${missing.join(', ')} not deployed; left out.`);
    if (known.length > 0) aliases.set(name, known);
  }
  const policies = buildPolicies(config, aliases);
  const defaultPolicy = config.routing.defaultPolicy;
  if (!policies.has(defaultPolicy) && !Object.hasOwn(BUILT_IN_POLICIES, defaultPolicy)) {
    throw new GatewayError('invalid_config', `routing.defaultPolicy names no policy: '${defaultPolicy}'.`, { param: 'routing.defaultPolicy' });
  }
  const tables: GatewayTables = {
    deployments,
    // Embedding-only models answer no chat; routing never sees them.
    profiles: [...deployments.values()].map((d) => d.profile).filter((p) => !isEmbeddingOnly(p)),
    aliases,
    policies,
    defaultPolicy,
  };
  const summary: GatewaySummary = {
    live: [],
    simulated: [],
    aliases: [...aliases.keys()],
    policies: ['auto', ...new Set([...Object.keys(BUILT_IN_POLICIES), ...policies.keys()])],
    defaultPolicy,
    notes,
  };
  for (const [index, spec] of specs.entries()) {
    const deployment = deployments.get(spec.id);
    if (deployment === undefined || index !== specs.findIndex((s) => s.id === spec.id)) continue;
    if (deployment.profile.simulated) summary.simulated.push({ id: spec.id, model: spec.model });
    else {
      const entry: GatewaySummary['live'][number] = { id: spec.id, provider: spec.type, model: spec.model, source: spec.source === 'env' ? 'env' : 'config' };
      if (spec.baseUrl !== undefined) entry.baseUrl = spec.baseUrl;
      summary.live.push(entry);
    }
  }
  const profiles = new Map([...deployments.values()].map((d) => [d.id, d.profile]));
  const shared = options.sharedState;
  const resilience = new Resilience(
    shared === undefined
      ? { profiles }
      : {
          profiles,
          breaker: { store: shared.breakerStore },
          rates: shared.rateLimiter,
          ...(shared.concurrency === undefined ? {} : { concurrencyLeases: shared.concurrency }),
        },
  );
  if (shared?.liveStats !== undefined) {
    shared.liveStats.stop();
    shared.liveStats.start(() => resilience.stats.all());
  }
  const gatewayOptions: ConstructorParameters<typeof SwitchyardGateway>[0] = {
    tables,
    pools,
    // One tracker: breaker state and saturation reach the router through the live stats.
    stats: resilience.stats,
    resilience,
    summary,
    // Decision ids key the decision log's B-tree: time-ordered ones append instead of scattering.
    routingDeps: { newId: timeOrderedUuid, ...options.routingDeps },
    requestTimeoutMs: config.server.requestTimeoutMs,
    maxAttempts: options.maxAttempts ?? 4,
  };
  if (options.now !== undefined) gatewayOptions.now = options.now;
  if (options.accounting !== undefined) gatewayOptions.accounting = options.accounting;
  if (options.learning !== undefined) {
    // Checked before the shared learning state takes the new experiments, so a bad reload changes nothing.
    options.learning.checkTargets(config, (target) => {
      try {
        resolveTarget(tables, target, undefined);
        return true;
      } catch {
        return false;
      }
    });
    options.learning.configure(config);
    gatewayOptions.learning = options.learning;
  }
  const gateway = new SwitchyardGateway(gatewayOptions);
  options.onBuilt?.({ resilience, tables });
  const cacheOptions: WithResponseCacheOptions = { ...options.cache };
  if (options.accounting !== undefined) {
    const accounting = options.accounting;
    cacheOptions.ledger = accounting.accounting.ledger;
    cacheOptions.admitHit = (context) => accounting.admitCacheHit(context);
  }
  if (options.now !== undefined) cacheOptions.now = options.now;
  const outer = withResponseCache(gateway, config, cacheOptions);
  outer.nativeBatch = new GatewayNativeBatch(gateway, options.accounting);
  return outer;
}

/** Embedding models have no output price and say so by name; they must never answer a chat. */
function isEmbeddingOnly(profile: ModelProfile): boolean {
  return profile.capabilities.embeddings && /embed/i.test(profile.model);
}
