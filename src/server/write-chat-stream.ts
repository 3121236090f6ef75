import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { GatewayErrorInfo } from '../spec/gateway-error-info.js';
import type { StreamPart } from '../spec/stream-part.js';
import type { ReadyPartSource } from '../spec/ready-part-source.js';
import { ERROR_CODES, isErrorCode } from '../errors/error-codes.js';
import type { ChatStream, StreamSettlement } from '../engine/gateway.js';
import { toOpenAIUsageBody } from './openai-usage-body.js';
import { formatUsd, HEADER } from './response-headers.js';
import { WriteBatch } from './write-batch.js';

export interface WriteChatStreamOptions {
  includeUsage: boolean;
  /** Fallback id when the upstream sent none. */
  requestId: string;
  headers?: OutgoingHttpHeaders;
}

/** What follows the text of a text delta in its chunk. */
const TEXT_DELTA_SUFFIX = Buffer.from('},"logprobs":null,"finish_reason":null}]}\n\n');
const DONE_EVENT = Buffer.from('data: [DONE]\n\n');

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function errorEvent(info: GatewayErrorInfo): string {
  const type = isErrorCode(info.code) ? ERROR_CODES[info.code].type : 'server_error';
  return `data: ${JSON.stringify({ error: { message: info.message, type, code: info.code, param: null } })}\n\n`;
}

/**
 * Writes a committed stream as OpenAI SSE: `chat.completion.chunk` objects, the role in each
 * choice's first delta, tool-call deltas, finish reasons, the usage chunk when asked for (with
 * our cost), an in-band error event when the upstream failed after the commit point, then
 * `[DONE]`. The cost also goes out as an HTTP trailer, since headers left before it was known.
 */
export async function writeChatStream(res: ServerResponse, stream: ChatStream, options: WriteChatStreamOptions): Promise<StreamSettlement> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    trailer: HEADER.costUsd,
    [HEADER.deployment]: stream.deploymentId,
    [HEADER.decisionId]: stream.decision.id,
    ...options.headers,
  });
  let id = `chatcmpl-${options.requestId}`;
  let created = Math.floor(Date.now() / 1000);
  let model = stream.deploymentId;
  const roleSent = new Set<number>();
  let error: GatewayErrorInfo | undefined;

  const chunk = (choices: unknown[]): string => `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices })}\n\n`;

  const delta = (choiceIndex: number, fields: Record<string, unknown>): string => {
    const body = roleSent.has(choiceIndex) ? fields : { role: 'assistant', ...fields };
    roleSent.add(choiceIndex);
    return chunk([{ index: choiceIndex, delta: body, logprobs: null, finish_reason: null }]);
  };

  // One upstream read usually yields several parts in the same turn of the event loop; they are
  // gathered and written once on the next tick, so the socket and the chunked framing see one
  // write per upstream read instead of one per SSE chunk.
  const batch = new WriteBatch();

  // The usual chunks (text deltas, finishes, usage) are written from the opening every chunk
  // shares until the next 'start' part (id, created, model) and fixed text around their one
  // varying value: byte for byte what `chunk` gives, without building and stringifying the
  // chunk's objects for each of them.
  let opening: Buffer | undefined;
  const chunkOpening = (): Buffer =>
    (opening ??= Buffer.from(`data: {"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${JSON.stringify(created)},"model":${JSON.stringify(model)},"choices":[`));
  /** Per choice, the opening and the choice up to the text of a delta without the role. */
  let textPrefixes = new Map<number, Buffer>();

  const textDelta = (choiceIndex: number, text: string): void => {
    if (!roleSent.has(choiceIndex)) {
      roleSent.add(choiceIndex);
      batch.appendBytes(chunkOpening());
      batch.appendText(`{"index":${JSON.stringify(choiceIndex)},"delta":{"role":"assistant","content":`);
    } else {
      let prefix = textPrefixes.get(choiceIndex);
      if (prefix === undefined) {
        prefix = Buffer.concat([chunkOpening(), Buffer.from(`{"index":${JSON.stringify(choiceIndex)},"delta":{"content":`)]);
        textPrefixes.set(choiceIndex, prefix);
      }
      batch.appendBytes(prefix);
    }
    batch.appendJsonString(text);
    batch.appendBytes(TEXT_DELTA_SUFFIX);
  };

  /** Appends the chunk of `part` to the batch, when it has one. */
  const render = (part: StreamPart): void => {
    switch (part.type) {
      case 'start':
        id = part.id || id;
        created = part.created || created;
        model = part.model || model;
        opening = undefined;
        if (textPrefixes.size > 0) textPrefixes = new Map();
        return;
      case 'text-delta':
        textDelta(part.choiceIndex, part.text);
        return;
      case 'reasoning-delta':
        batch.appendText(delta(part.choiceIndex, { reasoning_content: part.text }));
        return;
      case 'refusal-delta':
        batch.appendText(delta(part.choiceIndex, { refusal: part.text }));
        return;
      case 'tool-call-delta': {
        const call: Record<string, unknown> = { index: part.toolIndex };
        if (part.id !== undefined) {
          call.id = part.id;
          call.type = 'function';
        }
        call.function = part.name !== undefined ? { name: part.name, arguments: part.argumentsDelta } : { arguments: part.argumentsDelta };
        batch.appendText(delta(part.choiceIndex, { tool_calls: [call] }));
        return;
      }
      case 'finish': {
        const fields = roleSent.has(part.choiceIndex) ? '{}' : '{"role":"assistant","content":""}';
        roleSent.add(part.choiceIndex);
        batch.appendBytes(chunkOpening());
        batch.appendText(`{"index":${JSON.stringify(part.choiceIndex)},"delta":${fields},"logprobs":null,"finish_reason":${JSON.stringify(part.finishReason)}}]}\n\n`);
        return;
      }
      case 'usage':
        // Written once at the end, from the settlement, with our cost in it.
        return;
      case 'error':
        error = part.error;
        return;
    }
  };

  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (batch.size === 0 || res.destroyed) return;
    res.write(batch.take());
  };
  // Parts already at hand (the rest of one upstream read) are taken without a promise each.
  const parts: ReadyPartSource = stream.parts[Symbol.asyncIterator]();
  let left = false;
  reading: for (;;) {
    const next = await parts.next();
    if (next.done === true) break;
    let part: StreamPart | undefined = next.value;
    while (part !== undefined) {
      if (res.destroyed) {
        left = true;
        break reading;
      }
      const before = batch.size;
      render(part);
      if (batch.size !== before) {
        if (!scheduled) {
          scheduled = true;
          process.nextTick(flush);
        }
        if (res.writableNeedDrain) await waitForDrain(res);
      }
      part = parts.nextReady?.();
    }
  }
  // The client is gone: stop reading, which aborts the upstream.
  if (left) await parts.return?.();
  const settlement = await stream.settlement;
  if (!res.destroyed) {
    if (options.includeUsage) {
      batch.appendBytes(chunkOpening());
      batch.appendText(`],"usage":${JSON.stringify(toOpenAIUsageBody(settlement.usage, settlement.costUsd, settlement.costEstimated))}}\n\n`);
    }
    if (error !== undefined) batch.appendText(errorEvent(error));
    batch.appendBytes(DONE_EVENT);
    res.addTrailers({ [HEADER.costUsd]: formatUsd(settlement.costUsd) });
    res.end(batch.take());
  }
  return settlement;
}
