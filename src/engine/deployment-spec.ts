import type { Deadlines } from '../spec/chat-model.js';
import type { ModelProfile } from '../spec/model-profile.js';
import type { ModelProfileInput } from '../catalog/resolve-model-profile.js';

/** One deployment to build, from config, from an API key in the environment, or a simulated model. */
export interface DeploymentSpec {
  id: string;
  /** Provider type: a provider registry name. */
  type: string;
  model: string;
  baseUrl?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  settings?: Record<string, unknown>;
  /** Profile overrides from config (prices, window, capabilities, quality, latency, limits). */
  profile?: Omit<ModelProfileInput, 'id' | 'provider' | 'model'>;
  /** A profile already resolved (simulated models); `profile` overrides are then ignored. */
  resolvedProfile?: ModelProfile;
  deadlines?: Deadlines;
  source: 'config' | 'env' | 'simulated';
}
