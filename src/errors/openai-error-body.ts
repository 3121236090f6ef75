import type { GatewayError } from './gateway-error.js';

/** OpenAI's error shape, which clients (and the official SDKs) parse. */
export interface OpenAIErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

export function toOpenAIErrorBody(error: GatewayError): OpenAIErrorBody {
  return { error: { message: error.message, type: error.type, code: error.code, param: error.param ?? null } };
}
