import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';
import { configSchema, type GatewayConfig } from './config-schema.js';
import { interpolateEnv } from './interpolate-env.js';

export interface LoadConfigOptions {
  /** Explicit path (`--config`); else `SWITCHYARD_CONFIG`; else `./switchyard.yaml` when present. */
  path?: string;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

export interface LoadedConfig {
  config: GatewayConfig;
  /** The file it came from, or undefined for the embedded defaults. */
  path: string | undefined;
}

/** Finds, reads, interpolates and validates the config; without a file, the embedded defaults. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const path = findConfigPath(options.path, env, options.cwd ?? process.cwd());
  if (path === undefined) return { config: parseConfig({}, env), path: undefined };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new GatewayError('invalid_config', `cannot read config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return { config: parseConfigText(text, env, path), path };
}

export function findConfigPath(explicit: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): string | undefined {
  const chosen = explicit ?? env.SWITCHYARD_CONFIG;
  if (chosen !== undefined && chosen !== '') return resolve(cwd, chosen);
  const fallback = resolve(cwd, 'switchyard.yaml');
  return existsSync(fallback) ? fallback : undefined;
}

/** Parses YAML text into a validated config; `source` names the file in error messages. */
export function parseConfigText(text: string, env: Readonly<Record<string, string | undefined>>, source = 'config'): GatewayConfig {
  let document: unknown;
  try {
    document = parseYaml(text) ?? {};
  } catch (error) {
    throw new GatewayError('invalid_config', `${source}: not valid YAML: ${(error as Error).message}`, { cause: error });
  }
  return parseConfig(document, env, source);
}

/** Validates an already-parsed document (after env interpolation). */
export function parseConfig(document: unknown, env: Readonly<Record<string, string | undefined>>, source = 'config'): GatewayConfig {
  let interpolated: unknown;
  try {
    interpolated = interpolateEnv(document, env);
  } catch (error) {
    if (error instanceof GatewayError) throw new GatewayError('invalid_config', `${source}: ${error.message}`);
    throw error;
  }
  const result = configSchema.safeParse(interpolated);
  if (!result.success) {
    throw new GatewayError('invalid_config', `${source} is invalid:\n${formatIssues(result.error.issues)}`, { cause: result.error });
  }
  checkReferences(result.data, source);
  return result.data;
}

function formatIssues(issues: z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const where = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
      return `  - ${where || '(root)'}: ${issue.message}`;
    })
    .join('\n');
}

/** Deployment ids must be unique; references are checked later, once auto-detected deployments are known. */
function checkReferences(config: GatewayConfig, source: string): void {
  const seen = new Set<string>();
  const problems: string[] = [];
  config.deployments.forEach((deployment, index) => {
    if (seen.has(deployment.id)) problems.push(`deployments[${index}].id: "${deployment.id}" is defined twice`);
    seen.add(deployment.id);
  });
  if (problems.length > 0) throw new GatewayError('invalid_config', `${source} is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
