import type { OpenAIPathLayout } from './openai-compatible-config.js';

export type OpenAIEndpoint = 'chat/completions' | 'embeddings';

/** The full URL of one endpoint under a base URL and path layout; computed once per deployment. */
export function openAIEndpointUrl(baseUrl: string, path: OpenAIPathLayout, endpoint: OpenAIEndpoint): string {
  const base = baseUrl.replace(/\/+$/, '');
  switch (path.kind) {
    case 'standard':
      return `${base}/${endpoint}`;
    case 'azure-deployment':
      return `${base}/openai/deployments/${encodeURIComponent(path.deployment)}/${endpoint}?api-version=${encodeURIComponent(path.apiVersion)}`;
  }
}
