/** Per-key request and token limits, enforced by the gateway's rate limiter. */
export interface KeyRateLimits {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens (input + output) per minute. */
  tpm?: number;
}

/**
 * One virtual API key as stored. Only a hash of the secret is kept; `prefix` is a short,
 * non-secret head of the plaintext so that people can tell their keys apart in listings.
 */
export interface KeyRecord {
  id: string;
  /** Hex SHA-256 of the full plaintext key. */
  hash: string;
  prefix: string;
  name?: string;
  owner: string;
  team?: string;
  /** Deployment ids, aliases or policy names this key may use; absent means all. */
  allowedModels?: string[];
  rateLimits?: KeyRateLimits;
  metadata?: Record<string, string>;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; absent means the key never expires. */
  expiresAt?: number;
  /** Epoch ms; set once, when the key is revoked. */
  revokedAt?: number;
}

export interface KeyListFilter {
  owner?: string;
  team?: string;
  /** Revoked keys are left out unless this is true. */
  includeRevoked?: boolean;
}
