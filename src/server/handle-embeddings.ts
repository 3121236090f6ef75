import { z } from 'zod';
import type { EmbeddingRequest } from '../spec/embedding.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Exchange } from './exchange.js';
import { applyRoutingHeaders } from './apply-routing-headers.js';
import { routingSchema } from './chat-request-schema.js';
import { toRoutingWishes } from './parse-chat-request.js';
import { readJsonBody } from './read-json-body.js';
import { formatUsd, HEADER } from './response-headers.js';
import { sendJson } from './send-response.js';
import { watchClientGone } from './watch-client-gone.js';
import { zodIssueToError } from './zod-issue-to-error.js';

const embeddingSchema = z.strictObject({
  model: z.string({ error: 'is required and must be a string' }).min(1),
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(2048)], {
    error: 'must be a non-empty string or array of strings (token arrays are not supported)',
  }),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().optional(),
  user: z.string().optional(),
  routing: routingSchema.optional(),
});

/** Little-endian float32 bytes in base64: what OpenAI sends for `encoding_format: base64` (the SDK's default). */
function toBase64(vector: number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/** `POST /v1/embeddings`. Vectors are always asked for as floats and encoded here. */
export async function handleEmbeddings(exchange: Exchange, maxBodyBytes: number): Promise<void> {
  const parsed = embeddingSchema.safeParse(await readJsonBody(exchange.req, maxBodyBytes));
  if (!parsed.success) throw zodIssueToError(parsed.error);
  const body = parsed.data;
  const request: EmbeddingRequest = { model: body.model, input: typeof body.input === 'string' ? [body.input] : body.input };
  if (body.dimensions !== undefined) request.dimensions = body.dimensions;
  if (body.user !== undefined) request.user = body.user;
  if (body.routing !== undefined) request.routing = toRoutingWishes(body.routing);
  applyRoutingHeaders(exchange);
  exchange.context.signal = watchClientGone(exchange.res);
  const result = await exchange.gateway.embed(request, exchange.context);
  if (result.response.embeddings.length !== request.input.length) {
    throw new GatewayError('upstream_bad_response', `${result.deploymentId} returned ${result.response.embeddings.length} vectors for ${request.input.length} inputs.`);
  }
  const base64 = body.encoding_format === 'base64';
  exchange.deploymentId = result.deploymentId;
  exchange.decisionId = result.decision.id;
  exchange.costUsd = result.costUsd;
  sendJson(
    exchange,
    200,
    {
      object: 'list',
      data: result.response.embeddings.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? toBase64(vector) : vector })),
      model: result.response.model,
      usage: { prompt_tokens: result.response.usage.inputTokens, total_tokens: result.response.usage.inputTokens, cost_usd: result.costUsd },
    },
    {
      [HEADER.deployment]: result.deploymentId,
      [HEADER.decisionId]: result.decision.id,
      [HEADER.costUsd]: formatUsd(result.costUsd),
      [HEADER.attempts]: String(result.attempts.length),
    },
  );
}
