import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.js';
import type { OpenAICompatibleConfig, OpenAIPathLayout } from '../openai-compatible/openai-compatible-config.js';
import type { ProviderFactoryOptions } from '../provider-factory.js';
import { AZURE_DEFAULT_API_VERSION, type OpenAICompatiblePreset } from './openai-presets.js';

/** The `settings` block of an OpenAI-compatible deployment; every quirk of the preset can be overridden. */
const settingsSchema = z.strictObject({
  /** Azure: the resource URL, when `baseUrl` is not set. */
  resourceUrl: z.url().optional(),
  /** Azure: the deployment name in the URL; defaults to the model name. */
  deployment: z.string().min(1).optional(),
  /** Azure: the `api-version` query parameter. */
  apiVersion: z.string().min(1).optional(),
  authStyle: z.enum(['bearer', 'api-key', 'none']).optional(),
  maxTokensField: z.enum(['max_completion_tokens', 'max_tokens']).optional(),
  streamUsage: z.boolean().optional(),
  developerRole: z.boolean().optional(),
  flattenTextContent: z.boolean().optional(),
  messageNames: z.boolean().optional(),
  renameFields: z.record(z.string(), z.string()).optional(),
  dropFields: z.array(z.string()).optional(),
});

/** Validates a deployment's options against its preset; a bad config is refused at load, never at the first request. */
export function resolveOpenAIConfig(preset: OpenAICompatiblePreset, options: ProviderFactoryOptions): OpenAICompatibleConfig {
  const parsed = settingsSchema.safeParse(options.settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new GatewayError('invalid_config', `${options.deploymentId}: invalid ${preset.name} settings${path ? ` at ${path}` : ''}: ${issue?.message ?? 'unexpected value'}`, {
      param: `settings${path ? `.${path}` : ''}`,
    });
  }
  const settings = parsed.data;
  const baseUrl = options.baseUrl ?? settings.resourceUrl ?? preset.defaultBaseUrl;
  if (baseUrl === undefined) {
    const hint = preset.baseUrlEnv !== undefined ? ` (or set ${preset.baseUrlEnv})` : '';
    throw new GatewayError('invalid_config', `${options.deploymentId}: the ${preset.name} provider needs a baseUrl${hint}.`, { param: 'baseUrl' });
  }
  if (preset.apiKeyRequired && (options.apiKey === undefined || options.apiKey === '')) {
    const hint = preset.apiKeyEnv !== undefined ? ` (${preset.apiKeyEnv})` : '';
    throw new GatewayError('invalid_config', `${options.deploymentId}: the ${preset.name} provider needs an API key${hint}.`, { param: 'apiKey' });
  }
  const path: OpenAIPathLayout =
    preset.pathLayout === 'azure-deployment'
      ? { kind: 'azure-deployment', deployment: settings.deployment ?? options.model, apiVersion: settings.apiVersion ?? AZURE_DEFAULT_API_VERSION }
      : { kind: 'standard' };
  const base = preset.quirks;
  const config: OpenAICompatibleConfig = {
    deploymentId: options.deploymentId,
    model: options.model,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    authStyle: settings.authStyle ?? preset.authStyle,
    path,
    quirks: {
      maxTokensField: settings.maxTokensField ?? base.maxTokensField,
      streamUsage: settings.streamUsage ?? base.streamUsage,
      developerRole: settings.developerRole ?? base.developerRole,
      flattenTextContent: settings.flattenTextContent ?? base.flattenTextContent,
      messageNames: settings.messageNames ?? base.messageNames,
      renameFields: settings.renameFields ?? base.renameFields,
      dropFields: settings.dropFields ?? base.dropFields,
    },
  };
  if (options.apiKey !== undefined && options.apiKey !== '') config.apiKey = options.apiKey;
  if (options.headers !== undefined) config.headers = options.headers;
  if (preset.batch !== undefined && path.kind === 'standard') config.batch = { priceFactor: preset.batch.priceFactor };
  return config;
}
