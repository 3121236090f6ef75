/**
 * Gemini rarely gives function calls an id, but OpenAI clients answer tool calls by id. We derive
 * one from the response id and the call's position, so a streamed and a non-streamed reading of
 * the same response name their calls alike, and calls of different turns do not collide.
 */
export function geminiToolCallId(upstreamId: string | undefined, responseId: string | undefined, toolIndex: number): string {
  if (upstreamId !== undefined && upstreamId.length > 0) return upstreamId;
  return responseId !== undefined && responseId.length > 0 ? `call_${responseId}_${toolIndex}` : `call_${toolIndex}`;
}
