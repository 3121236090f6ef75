import type { ConformanceError, ConformanceKit } from '../../support/adapter-conformance.js';
import type { FakeReply } from '../../support/fake-upstream.js';
import { loadFixtureJson } from '../../support/fixtures.js';
import { geminiProvider } from '../../../src/providers/gemini/gemini-provider.js';

const MODEL = 'gemini-2.5-flash';

function usageMetadata(usage: { input: number; output: number }) {
  return { promptTokenCount: usage.input, candidatesTokenCount: usage.output, totalTokenCount: usage.input + usage.output };
}

function response(parts: unknown[], extra: { finishReason?: string; usage?: { input: number; output: number } } = {}) {
  return {
    candidates: [{ content: { parts, role: 'model' }, ...(extra.finishReason !== undefined ? { finishReason: extra.finishReason } : {}), index: 0 }],
    ...(extra.usage !== undefined ? { usageMetadata: usageMetadata(extra.usage) } : {}),
    modelVersion: MODEL,
    responseId: 'conformance-1',
  };
}

/** Each string is sent in two pieces, the way Gemini streams long string arguments. */
function partialArgs(args: Record<string, unknown>): unknown[] {
  const out: unknown[] = [];
  for (const [key, value] of Object.entries(args)) {
    const jsonPath = `$.${key}`;
    if (typeof value === 'string') {
      const half = Math.ceil(value.length / 2);
      out.push({ jsonPath, stringValue: value.slice(0, half), willContinue: true });
      out.push({ jsonPath, stringValue: value.slice(half) });
    } else if (typeof value === 'number') out.push({ jsonPath, numberValue: value });
    else if (typeof value === 'boolean') out.push({ jsonPath, boolValue: value });
    else out.push({ jsonPath, nullValue: 'NULL_VALUE' });
  }
  return out;
}

function googleError(fixture: string, status: number): FakeReply {
  return { kind: 'json', status, body: loadFixtureJson(`providers/gemini/${fixture}`) };
}

export const geminiConformanceKit: ConformanceKit = {
  provider: 'gemini',
  createModel(baseUrl, pools) {
    return geminiProvider.create({ deploymentId: `gemini/${MODEL}`, model: MODEL, baseUrl, apiKey: 'test-key', pools });
  },
  text(text, usage) {
    return { kind: 'json', body: response([{ text }], { finishReason: 'STOP', usage }) };
  },
  textStream(pieces, usage) {
    return {
      kind: 'sse',
      events: pieces.map((piece, i) => ({
        data: response([{ text: piece }], { ...(i === pieces.length - 1 ? { finishReason: 'STOP' } : {}), usage: { input: usage.input, output: i === pieces.length - 1 ? usage.output : i + 1 } }),
      })),
    };
  },
  toolCall(name, args) {
    return { kind: 'json', body: response([{ functionCall: { name, args } }], { finishReason: 'STOP', usage: { input: 20, output: 8 } }) };
  },
  toolCallStream(name, args) {
    const events = [
      { data: response([{ functionCall: { name, willContinue: true } }]) },
      ...partialArgs(args).map((partial) => ({ data: response([{ functionCall: { partialArgs: [partial], willContinue: true } }]) })),
      { data: response([{ functionCall: {} }], { finishReason: 'STOP', usage: { input: 20, output: 8 } }) },
    ];
    return { kind: 'sse', events };
  },
  error(kind: ConformanceError, options = {}): FakeReply {
    switch (kind) {
      case 'auth':
        return googleError('switchyard-400-api-key-invalid.json', 400);
      case 'not_found':
        return googleError('switchyard-404-model.json', 404);
      case 'rate_limited': {
        const body = structuredClone(loadFixtureJson('providers/gemini/google-429-retry-info.json')) as { error: { details: Array<Record<string, unknown>> } };
        for (const detail of body.error.details) {
          if (detail['@type'] === 'type.googleapis.com/google.rpc.RetryInfo') detail.retryDelay = `${options.retryAfterSeconds ?? 34.4}s`;
        }
        return { kind: 'json', status: 429, body };
      }
      case 'context_overflow':
        return googleError('switchyard-400-context-length.json', 400);
      case 'server_error':
        return googleError('switchyard-500-internal.json', 500);
      case 'overloaded':
        return googleError('switchyard-503-unavailable.json', 503);
      case 'content_filtered':
        // Gemini's real safety block: HTTP 200, no candidates, promptFeedback.blockReason.
        return { kind: 'json', status: 200, body: loadFixtureJson('providers/gemini/switchyard-prompt-blocked.json') };
      case 'invalid_request':
        return googleError('switchyard-400-invalid-argument.json', 400);
    }
  },
};
