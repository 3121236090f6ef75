/** How the API key travels: OpenAI's bearer token, Azure's `api-key` header, or not at all (local servers). */
export type OpenAIAuthStyle = 'bearer' | 'api-key' | 'none';

/**
 * Where the endpoints live. `standard`: `<baseUrl>/chat/completions` and `<baseUrl>/embeddings`.
 * `azure-deployment`: `<baseUrl>/openai/deployments/<deployment>/chat/completions?api-version=<v>`,
 * where `baseUrl` is the Azure resource URL.
 */
export type OpenAIPathLayout =
  | { kind: 'standard' }
  | { kind: 'azure-deployment'; deployment: string; apiVersion: string };

/** What differs between OpenAI-compatible servers; every preset is a set of these, never a code branch. */
export interface OpenAICompatibleQuirks {
  /** OpenAI deprecated `max_tokens` (reasoning models reject it); many other servers know only `max_tokens`. */
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  /** Send `stream_options: {include_usage: true}` so streamed answers report usage (needed for cost). */
  streamUsage: boolean;
  /** Send `developer` as is; servers that do not know the role get `system` instead. */
  developerRole: boolean;
  /** Send text-only multi-part content as one string, for servers that accept only string content. */
  flattenTextContent: boolean;
  /** Send `name` on messages (Groq rejects it). */
  messageNames: boolean;
  /** Wire fields renamed before sending (Mistral calls `seed` `random_seed`). */
  renameFields: Record<string, string>;
  /** Wire fields removed before sending, for servers that reject fields they do not know. */
  dropFields: string[];
}

export const DEFAULT_QUIRKS: OpenAICompatibleQuirks = {
  maxTokensField: 'max_completion_tokens',
  streamUsage: true,
  developerRole: true,
  flattenTextContent: false,
  messageNames: true,
  renameFields: {},
  dropFields: [],
};

/** Everything one OpenAI-compatible deployment needs; built once at config load. */
export interface OpenAICompatibleConfig {
  deploymentId: string;
  /** The model name sent upstream (ignored in the body by Azure, which routes by deployment). */
  model: string;
  /** Without a trailing slash, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey?: string;
  authStyle: OpenAIAuthStyle;
  path: OpenAIPathLayout;
  /** Headers on every call (OpenRouter's `HTTP-Referer` / `X-Title`, an org id, ...). */
  headers?: Record<string, string>;
  quirks: OpenAICompatibleQuirks;
  /** The server also speaks OpenAI's Batch API (`/files`, `/batches`), billed at `priceFactor` of list price. */
  batch?: { priceFactor: number };
}
