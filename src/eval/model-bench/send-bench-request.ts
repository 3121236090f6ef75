import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { readSseData } from './read-sse-data.js';

export interface BenchCall {
  url: string;
  apiKey?: string;
  model: string;
  system?: string;
  prompt: string;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface BenchAnswer {
  text: string;
  /** Time to the first content delta, ms. */
  ttftMs: number;
  totalMs: number;
  outputTokens: number;
  inputTokens: number;
  /** From the gateway's usage `cost_usd`, else its `x-switchyard-cost-usd` trailer or header; undefined when neither came. */
  costUsd?: number;
  /** The deployment that answered (`x-switchyard-deployment`). */
  deployment?: string;
}

/** A call that got no answer: an HTTP error or a broken stream. */
export class BenchCallError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'BenchCallError';
  }
}

interface ChunkWire {
  choices?: Array<{ delta?: { content?: string | null } }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; cost_usd?: number } | null;
  error?: { message?: string };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Streams one chat completion through the gateway, timing the first token and the whole answer. */
export async function sendBenchRequest(call: BenchCall): Promise<BenchAnswer> {
  const messages = call.system === undefined ? [] : [{ role: 'system', content: call.system }];
  messages.push({ role: 'user', content: call.prompt });
  const body = JSON.stringify({
    model: call.model,
    messages,
    temperature: 0,
    max_tokens: call.maxTokens ?? 512,
    stream: true,
    stream_options: { include_usage: true },
  });
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (call.apiKey !== undefined) headers.authorization = `Bearer ${call.apiKey}`;
  const started = performance.now();
  const response = await request(`${call.url.replace(/\/$/, '')}/v1/chat/completions`, { method: 'POST', headers, body, ...(call.signal ? { signal: call.signal } : {}) });
  if (response.statusCode !== 200) {
    const text = await response.body.text();
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as ChunkWire).error?.message ?? message;
    } catch {
      // Not JSON: keep the text.
    }
    throw new BenchCallError(`${call.model}: HTTP ${response.statusCode}: ${message}`, response.statusCode);
  }
  let text = '';
  let ttftMs: number | undefined;
  let usage: ChunkWire['usage'];
  for await (const data of readSseData(response.body)) {
    if (data === '[DONE]') break;
    const chunk = JSON.parse(data) as ChunkWire;
    if (chunk.error !== undefined) throw new BenchCallError(`${call.model}: stream failed: ${chunk.error.message ?? 'unknown error'}`);
    const delta = chunk.choices?.[0]?.delta?.content;
    if (typeof delta === 'string' && delta !== '') {
      ttftMs ??= performance.now() - started;
      text += delta;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  const totalMs = performance.now() - started;
  const trailerCost = header(response.trailers['x-switchyard-cost-usd']) ?? header(response.headers['x-switchyard-cost-usd']);
  const answer: BenchAnswer = {
    text,
    ttftMs: ttftMs ?? totalMs,
    totalMs,
    outputTokens: usage?.completion_tokens ?? 0,
    inputTokens: usage?.prompt_tokens ?? 0,
  };
  const cost = usage?.cost_usd ?? (trailerCost === undefined ? undefined : Number(trailerCost));
  if (cost !== undefined && Number.isFinite(cost)) answer.costUsd = cost;
  const deployment = header(response.headers['x-switchyard-deployment']);
  if (deployment !== undefined) answer.deployment = deployment;
  return answer;
}
