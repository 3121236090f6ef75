import { GatewayError } from '../errors/gateway-error.js';

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:4000';

/** Options every admin command takes. */
export interface AdminConnectionOptions {
  url?: string;
}

/**
 * Calls a running gateway's admin API with the master key from `SWITCHYARD_ADMIN_KEY`. A refusal
 * comes back as a GatewayError carrying the gateway's own message.
 */
export async function callAdmin(options: AdminConnectionOptions, path: string, init: { method?: string; body?: unknown } = {}): Promise<unknown> {
  const base = (options.url ?? process.env.SWITCHYARD_URL ?? DEFAULT_GATEWAY_URL).replace(/\/+$/, '');
  const adminKey = process.env.SWITCHYARD_ADMIN_KEY;
  const headers: Record<string, string> = {};
  if (adminKey !== undefined && adminKey !== '') headers.authorization = `Bearer ${adminKey}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) });
  } catch (error) {
    throw new GatewayError('network_error', `Cannot reach the gateway at ${base}: ${(error as Error).message}. Is it running? (--url)`, { cause: error });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const message = (body as { error?: { message?: string } } | undefined)?.error?.message ?? (text || response.statusText);
    const hint = response.status === 401 && (adminKey === undefined || adminKey === '') ? ' Set SWITCHYARD_ADMIN_KEY.' : '';
    throw new GatewayError(response.status === 401 ? 'unauthorized' : 'invalid_request', `${response.status} from ${path}: ${message}${hint}`);
  }
  return body;
}
