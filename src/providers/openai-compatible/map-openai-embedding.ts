import type { EmbeddingResponse } from '../../spec/embedding.js';
import type { OpenAIEmbeddingResponse } from './openai-wire.js';

/** An embeddings answer in neutral form: float vectors in input order, whatever encoding came back. */
export function mapOpenAIEmbedding(response: OpenAIEmbeddingResponse, fallbackModel: string): EmbeddingResponse {
  const ordered = response.data
    .map((item, position) => ({ index: item.index ?? position, embedding: item.embedding }))
    .sort((a, b) => a.index - b.index);
  return {
    model: response.model || fallbackModel,
    embeddings: ordered.map((item) => (typeof item.embedding === 'string' ? decodeBase64Floats(item.embedding) : item.embedding)),
    usage: { inputTokens: response.usage?.prompt_tokens ?? 0 },
  };
}

/** OpenAI's base64 embeddings are little-endian float32 values. */
export function decodeBase64Floats(encoded: string): number[] {
  const bytes = Buffer.from(encoded, 'base64');
  const out = new Array<number>(Math.floor(bytes.length / 4));
  for (let i = 0; i < out.length; i += 1) out[i] = bytes.readFloatLE(i * 4);
  return out;
}
