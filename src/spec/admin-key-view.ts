/**
 * A virtual key as the admin API shows it (snake_case, ISO times). It lives in the spec so that the
 * admin service that builds it and the CLI that prints it read one definition of the wire shape.
 * Never the hash; the plaintext key only in the creation response.
 */
export interface AdminKeyView {
  id: string;
  prefix: string;
  name: string | null;
  owner: string;
  team: string | null;
  allowed_models: string[] | null;
  rate_limits: { rpm?: number; tpm?: number } | null;
  metadata: Record<string, string> | null;
  status: 'active' | 'revoked' | 'expired';
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}
