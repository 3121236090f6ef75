import type { StreamPart } from '../../spec/stream-part.js';
import type { FinishReason } from '../../spec/finish-reason.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { tryParseJson } from '../../http/safe-json.js';
import type { SseEvent } from '../../http/sse-parser.js';
import { anthropicStreamEventSchema, type AnthropicContentBlock, type AnthropicUsage } from './anthropic-wire.js';
import { mapAnthropicError } from './anthropic-error.js';
import { JSON_RESPONSE_TOOL } from './build-anthropic-request.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { mapAnthropicUsage } from './map-anthropic-usage.js';

export interface MapAnthropicStreamOptions {
  jsonResponseTool: boolean;
  deploymentId: string;
  /** Unix seconds for the start part; Anthropic sends no creation time. */
  created: number;
  apiKey?: string;
}

type BlockState =
  | { kind: 'text' }
  | { kind: 'thinking' }
  | { kind: 'json'; sentText: boolean }
  | { kind: 'tool'; toolIndex: number; sentArguments: boolean; startInput: unknown }
  | { kind: 'ignored' };

const KNOWN_EVENTS = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'ping',
  'error',
]);

/**
 * Maps Anthropic's streaming events to neutral stream parts.
 *
 * - `finish` and `usage` are held until `message_stop`: a stream cut after `message_delta` is
 *   still a failure, and never looks like a complete answer.
 * - A stream that ends without `message_stop` throws `network_error` (the connection was lost
 *   or a proxy closed it early); an `error` event throws its mapped typed error.
 * - A repeated `message_start` for the same message id is ignored: some proxies and replays
 *   re-send it, and emitting a second start (or resetting usage) would corrupt the answer. One
 *   with a different id means two messages were spliced together, which cannot be mapped to
 *   one answer: `upstream_bad_response`.
 * - Usage fields in `message_delta` win over `message_start`'s (input tokens may arrive late).
 */
export async function* mapAnthropicStream(events: AsyncIterable<SseEvent>, options: MapAnthropicStreamOptions): AsyncGenerator<StreamPart> {
  const { deploymentId } = options;
  const bad = (why: string): GatewayError => new GatewayError('upstream_bad_response', `${deploymentId}: Anthropic stream ${why}`, { deploymentId });

  let messageId: string | undefined;
  let usage: AnthropicUsage | undefined;
  let stopReason: string | null | undefined;
  let refusalExplanation: string | undefined;
  let toolCount = 0;
  let answeredByJsonTool = false;
  const blocks = new Map<number, BlockState>();

  for await (const sse of events) {
    const json = tryParseJson(sse.data);
    const type = (json as { type?: unknown } | undefined)?.type ?? sse.event;
    // Anthropic may add event types; unknown ones are skipped, as its versioning policy asks.
    if (typeof type !== 'string' || !KNOWN_EVENTS.has(type)) {
      if (json === undefined) throw bad(`sent an event that is not JSON: ${sse.data.slice(0, 200)}`);
      continue;
    }
    const parsed = anthropicStreamEventSchema.safeParse(json);
    if (!parsed.success) throw bad(`sent a malformed ${type} event: ${parsed.error.issues[0]?.message ?? ''}`);
    const event = parsed.data;

    if (event.type !== 'message_start' && event.type !== 'ping' && event.type !== 'error' && messageId === undefined) {
      throw bad(`sent ${event.type} before message_start.`);
    }

    switch (event.type) {
      case 'message_start':
        if (messageId !== undefined) {
          if (event.message.id === messageId) break;
          throw bad(`started a second message (${event.message.id}) inside ${messageId}.`);
        }
        messageId = event.message.id;
        usage = mergeUsage(undefined, event.message.usage);
        yield { type: 'start', id: event.message.id, model: event.message.model, created: options.created };
        break;

      case 'content_block_start': {
        const state = blockState(event.content_block, options.jsonResponseTool, toolCount);
        blocks.set(event.index, state);
        if (state.kind === 'tool') {
          toolCount += 1;
          yield { type: 'tool-call-delta', choiceIndex: 0, toolIndex: state.toolIndex, id: event.content_block.id ?? `call_${state.toolIndex}`, name: event.content_block.name ?? '', argumentsDelta: '' };
        } else if (state.kind === 'json') {
          answeredByJsonTool = true;
        } else if (state.kind === 'text' && event.content_block.text) {
          yield { type: 'text-delta', choiceIndex: 0, text: event.content_block.text };
        } else if (state.kind === 'thinking' && event.content_block.thinking) {
          yield { type: 'reasoning-delta', choiceIndex: 0, text: event.content_block.thinking };
        }
        break;
      }

      case 'content_block_delta': {
        const state = blocks.get(event.index);
        if (state === undefined) throw bad(`sent a delta for unknown content block ${event.index}.`);
        const delta = event.delta;
        if (delta.type === 'text_delta' && state.kind === 'text' && delta.text) {
          yield { type: 'text-delta', choiceIndex: 0, text: delta.text };
        } else if (delta.type === 'thinking_delta' && state.kind === 'thinking' && delta.thinking) {
          yield { type: 'reasoning-delta', choiceIndex: 0, text: delta.thinking };
        } else if (delta.type === 'input_json_delta' && delta.partial_json) {
          if (state.kind === 'tool') {
            state.sentArguments = true;
            yield { type: 'tool-call-delta', choiceIndex: 0, toolIndex: state.toolIndex, argumentsDelta: delta.partial_json };
          } else if (state.kind === 'json') {
            state.sentText = true;
            yield { type: 'text-delta', choiceIndex: 0, text: delta.partial_json };
          }
        }
        // signature_delta, citations_delta and deltas of ignored blocks carry nothing we return.
        break;
      }

      case 'content_block_stop': {
        const state = blocks.get(event.index);
        // A call without arguments streams no JSON at all; OpenAI clients expect "{}".
        if (state?.kind === 'tool' && !state.sentArguments) {
          yield { type: 'tool-call-delta', choiceIndex: 0, toolIndex: state.toolIndex, argumentsDelta: initialArguments(state.startInput) };
        } else if (state?.kind === 'json' && !state.sentText) {
          yield { type: 'text-delta', choiceIndex: 0, text: '{}' };
        }
        break;
      }

      case 'message_delta':
        stopReason = event.delta.stop_reason ?? stopReason;
        refusalExplanation = event.delta.stop_details?.explanation ?? refusalExplanation;
        usage = mergeUsage(usage, event.usage);
        break;

      case 'message_stop': {
        if (stopReason === 'refusal' && refusalExplanation !== undefined) {
          yield { type: 'refusal-delta', choiceIndex: 0, text: refusalExplanation };
        }
        let finishReason: FinishReason = mapAnthropicStopReason(stopReason);
        if (finishReason === 'tool_calls' && answeredByJsonTool && toolCount === 0) finishReason = 'stop';
        yield { type: 'finish', choiceIndex: 0, finishReason };
        yield { type: 'usage', usage: mapAnthropicUsage(usage) };
        return;
      }

      case 'ping':
        break;

      case 'error':
        throw mapAnthropicError({ detail: event.error, deploymentId, apiKey: options.apiKey });
    }
  }
  throw new GatewayError('network_error', `${deploymentId}: Anthropic stream ended before message_stop.`, { deploymentId });
}

function blockState(block: AnthropicContentBlock, jsonResponseTool: boolean, toolCount: number): BlockState {
  switch (block.type) {
    case 'text':
      // With the JSON response tool the answer is the tool input; stray text would corrupt it.
      return jsonResponseTool ? { kind: 'ignored' } : { kind: 'text' };
    case 'thinking':
      return { kind: 'thinking' };
    case 'tool_use':
      if (jsonResponseTool && block.name === JSON_RESPONSE_TOOL) return { kind: 'json', sentText: false };
      return { kind: 'tool', toolIndex: toolCount, sentArguments: false, startInput: block.input };
    default:
      return { kind: 'ignored' };
  }
}

function initialArguments(input: unknown): string {
  return input !== null && typeof input === 'object' ? JSON.stringify(input) : '{}';
}

function mergeUsage(earlier: AnthropicUsage | undefined, later: AnthropicUsage | null | undefined): AnthropicUsage {
  return {
    input_tokens: later?.input_tokens ?? earlier?.input_tokens,
    output_tokens: later?.output_tokens ?? earlier?.output_tokens,
    cache_read_input_tokens: later?.cache_read_input_tokens ?? earlier?.cache_read_input_tokens,
    cache_creation_input_tokens: later?.cache_creation_input_tokens ?? earlier?.cache_creation_input_tokens,
  };
}
