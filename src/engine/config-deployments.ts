import type { GatewayConfig } from '../config/config-schema.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { DeploymentSpec } from './deployment-spec.js';
import { ENV_PROVIDERS } from './env-deployments.js';
import { findSimulatedModel, SIMULATED_TYPE, simulatedSpec } from './simulated-deployments.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Where a provider type's key comes from when config gives none. */
function keyFromEnv(type: string, env: Env, keyEnvFor: (type: string) => string | undefined): string | undefined {
  const name = keyEnvFor(type) ?? ENV_PROVIDERS.find((provider) => provider.type === type)?.keyEnv;
  const value = name !== undefined ? env[name] : undefined;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * The deployments config declares. `provider` is a key of `providers` (which gives the type,
 * URL, key, headers) or a provider type used with its defaults.
 */
export function configDeployments(config: GatewayConfig, env: Env, keyEnvFor: (type: string) => string | undefined = () => undefined): DeploymentSpec[] {
  return config.deployments.map((deployment, index) => {
    const provider = config.providers[deployment.provider];
    const type = provider?.type ?? deployment.provider;
    if (type === SIMULATED_TYPE) {
      const model = findSimulatedModel(deployment.model);
      if (model === undefined) {
        throw new GatewayError('invalid_config', `deployments[${index}] (${deployment.id}): no simulated model named '${deployment.model}'.`, { param: `deployments[${index}].model` });
      }
      const settings = { ...provider?.settings, ...deployment.settings };
      const spec = simulatedSpec(model, { id: deployment.id, settings, source: 'config' });
      if (deployment.deadlines !== undefined) spec.deadlines = deployment.deadlines;
      return spec;
    }
    const spec: DeploymentSpec = { id: deployment.id, type, model: deployment.model, source: 'config' };
    const apiKey = provider?.apiKey ?? keyFromEnv(type, env, keyEnvFor);
    if (apiKey !== undefined) spec.apiKey = apiKey;
    if (provider?.baseUrl !== undefined) spec.baseUrl = provider.baseUrl;
    if (provider?.headers !== undefined) spec.headers = provider.headers;
    const settings = provider?.settings !== undefined || deployment.settings !== undefined ? { ...provider?.settings, ...deployment.settings } : undefined;
    if (settings !== undefined) spec.settings = settings;
    if (deployment.deadlines !== undefined) spec.deadlines = deployment.deadlines;
    const profile: NonNullable<DeploymentSpec['profile']> = {};
    if (deployment.pricing !== undefined) profile.pricing = deployment.pricing;
    if (deployment.contextWindow !== undefined) profile.contextWindow = deployment.contextWindow;
    if (deployment.maxOutputTokens !== undefined) profile.maxOutputTokens = deployment.maxOutputTokens;
    if (deployment.capabilities !== undefined) profile.capabilities = deployment.capabilities;
    if (deployment.quality !== undefined) profile.quality = deployment.quality;
    if (deployment.latency !== undefined) profile.latency = deployment.latency;
    if (deployment.limits !== undefined) profile.limits = deployment.limits;
    spec.profile = profile;
    return spec;
  });
}
