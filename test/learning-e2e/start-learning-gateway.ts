import OpenAI from 'openai';
import pino from 'pino';
import { parseConfig } from '../../src/config/load-config.js';
import { buildGateway } from '../../src/engine/build-gateway.js';
import type { Gateway } from '../../src/engine/gateway.js';
import { annotateDecisionLog } from '../../src/engine/learning/annotate-decision-log.js';
import { GatewayLearning } from '../../src/engine/learning/gateway-learning.js';
import { createObservedServer } from '../../src/server/create-observed-server.js';
import { learningRoutes } from '../../src/server/learning-routes.js';
import type { FeedbackStore } from '../../src/state/feedback/feedback-entry.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/create-telemetry.js';
import type { FakeReply } from '../support/fake-upstream.js';
import { completion } from '../e2e/openai-wire.js';

export interface LearningGateway {
  url: string;
  gateway: Gateway;
  learning: GatewayLearning;
  telemetry: Telemetry;
  client: OpenAI;
  /** Posts JSON to the gateway and returns status and parsed body. */
  post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }>;
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** A seeded uniform generator, so Thompson draws and exploration are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const CAPABILITIES = { tools: true, vision: false, json: true, streaming: true, embeddings: false };

/** A deployment on the fake OpenAI-compatible upstream, told apart by its model name. */
export function fakeDeployment(id: string, model: string, options: { quality: number; inputPerMTok?: number; outputPerMTok?: number }): Record<string, unknown> {
  return {
    id,
    provider: 'fake',
    model,
    pricing: { inputPerMTok: options.inputPerMTok ?? 1, outputPerMTok: options.outputPerMTok ?? 2, cachedInputPerMTok: 0.1 },
    contextWindow: 32_000,
    maxOutputTokens: 4_000,
    capabilities: CAPABILITIES,
    quality: { default: options.quality },
    latency: { ttftMs: 200, outputTokensPerSecond: 100 },
  };
}

/** Answers every model with a short completion naming it. */
export function answerByModel(request: { json?: unknown }): FakeReply {
  const model = (request.json as { model?: string } | undefined)?.model ?? 'unknown';
  return completion(model, `answer from ${model}`);
}

/**
 * The gateway with learning wired as `serve` wires it (feedback and experiment routes, audit log
 * annotated with feedback), on an ephemeral port, with the official client pointed at it.
 */
export async function startLearningGateway(document: Record<string, unknown>, options: { random?: () => number; store?: FeedbackStore } = {}): Promise<LearningGateway> {
  const config = parseConfig({ simulated: 'off', autoDetectProviders: false, ...document }, {});
  const telemetry = createTelemetry({ logger: pino({ level: 'silent' }) });
  const learning = new GatewayLearning(config, { random: options.random ?? seededRandom(7), ...(options.store === undefined ? {} : { store: options.store }) });
  const gateway = buildGateway(config, { env: {}, learning });
  const audited: Telemetry = { ...telemetry, decisions: annotateDecisionLog(telemetry.decisions, learning) };
  const server = await createObservedServer(gateway, audited, { routes: learningRoutes(learning, audited.decisions) });
  const { url } = await server.listen(0, '127.0.0.1');
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'test-key', maxRetries: 0, timeout: 10_000 });
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return {
    url,
    gateway,
    learning,
    telemetry: audited,
    client,
    post: (path, body) => call('POST', path, body),
    get: (path) => call('GET', path),
    async close() {
      await server.close(500);
      await gateway.close();
      await telemetry.close();
      learning.close();
    },
  };
}

/** One chat call through the official client: the decision id and the deployment that answered. */
export async function ask(client: OpenAI, model: string, content: string, user?: string): Promise<{ decisionId: string; deployment: string }> {
  const { response } = await client.chat.completions
    .create({ model, messages: [{ role: 'user', content }], ...(user === undefined ? {} : { user }) })
    .withResponse();
  const decisionId = response.headers.get('x-switchyard-decision-id') ?? '';
  const deployment = response.headers.get('x-switchyard-deployment') ?? '';
  return { decisionId, deployment };
}
