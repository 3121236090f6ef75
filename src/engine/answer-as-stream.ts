import type { StreamPart } from '../spec/stream-part.js';
import { chatResponseToStreamParts } from '../providers/openai-compatible/chat-response-to-stream-parts.js';
import type { ChatResult, ChatStream, StreamSettlement } from './gateway.js';

/**
 * A whole answer replayed as a committed stream, for stream requests whose answer must be known
 * before the first byte (`mode: consensus` compares complete answers). Its ledger row is written
 * before this is built, so the settlement is already known.
 */
export function answerAsStream(result: ChatResult): ChatStream {
  const settlement: StreamSettlement = {
    deploymentId: result.deploymentId,
    attempts: result.attempts,
    usage: result.usage,
    costUsd: result.costUsd,
    costEstimated: false,
    outcome: 'ok',
  };
  const finishReason = result.response.choices[0]?.finishReason;
  if (finishReason !== undefined) settlement.finishReason = finishReason;
  const stream: ChatStream = {
    decision: result.decision,
    deploymentId: result.deploymentId,
    failedAttempts: result.attempts.slice(0, -1),
    parts: replay(chatResponseToStreamParts(result.response)),
    settlement: Promise.resolve(settlement),
  };
  if (result.consensus !== undefined) stream.consensus = result.consensus;
  return stream;
}

async function* replay(parts: StreamPart[]): AsyncGenerator<StreamPart> {
  yield* parts;
}
