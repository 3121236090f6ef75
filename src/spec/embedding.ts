import type { RoutingWishes } from './routing-wishes.js';

export interface EmbeddingRequest {
  model: string;
  input: string[];
  /** `float` (default) or `base64`, as OpenAI accepts. */
  encodingFormat?: 'float' | 'base64';
  dimensions?: number;
  user?: string;
  routing?: RoutingWishes;
}

export interface EmbeddingResponse {
  model: string;
  /** One vector per input, in input order. */
  embeddings: number[][];
  usage: { inputTokens: number };
}
