import { GatewayError } from '../errors/gateway-error.js';

const reference = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-fallback}` in every string of a parsed YAML document, after
 * parsing so that a secret can never change the document's structure. `$$` is a literal `$`.
 * A reference to an unset variable without a fallback is an error naming the field, because a
 * silently empty API key fails much later and much more confusingly.
 */
export function interpolateEnv(value: unknown, env: Readonly<Record<string, string | undefined>>, path: string[] = []): unknown {
  if (typeof value === 'string') {
    return value.replace(reference, (match, name: string | undefined, fallback: string | undefined) => {
      if (match === '$$') return '$';
      const found = env[name as string];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      throw new GatewayError('invalid_config', `${path.join('.') || '(root)'}: environment variable ${name} is not set`);
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => interpolateEnv(item, env, [...path, String(index)]));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, [...path, key])]));
  }
  return value;
}
