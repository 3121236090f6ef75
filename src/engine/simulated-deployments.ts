import { countTextTokens } from '../catalog/count-text-tokens.js';
import { SIMULATED_MODELS, simulatedDeploymentId, simulatedModelProfile, simulatedProviderSettings, type SimulatedModel } from '../catalog/simulated-models.js';
import type { DeploymentSpec } from './deployment-spec.js';

/** The provider registry name of the built-in simulated provider. */
export const SIMULATED_TYPE = 'simulated';

/** A spec for one simulated model; config `settings` (e.g. `failures: false`) go over the catalog's. */
export function simulatedSpec(model: SimulatedModel, options: { id?: string; settings?: Record<string, unknown>; source?: DeploymentSpec['source'] } = {}): DeploymentSpec {
  const profile = simulatedModelProfile(model);
  const id = options.id ?? simulatedDeploymentId(model);
  const counted = (text: string): number => countTextTokens(text, profile.model);
  return {
    id,
    type: SIMULATED_TYPE,
    model: model.name,
    resolvedProfile: { ...profile, id },
    settings: { ...simulatedProviderSettings(model, profile, counted), ...options.settings },
    source: options.source ?? 'simulated',
  };
}

/** Every built-in simulated model. */
export function simulatedDeployments(): DeploymentSpec[] {
  return SIMULATED_MODELS.map((model) => simulatedSpec(model));
}

export function findSimulatedModel(name: string): SimulatedModel | undefined {
  return SIMULATED_MODELS.find((model) => model.name === name);
}
