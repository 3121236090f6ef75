import type { KeyRateLimits } from '../state/key-record.js';

/** Who is calling: what the engine needs of an authenticated virtual key, with no secret in it. */
export interface Principal {
  keyId: string;
  owner: string;
  team?: string;
  /** Deployment ids, aliases or policy names the key may use; absent means all. */
  allowedModels?: string[];
  rateLimits?: KeyRateLimits;
}
