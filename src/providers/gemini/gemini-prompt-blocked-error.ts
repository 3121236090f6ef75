import { GatewayError } from '../../errors/gateway-error.js';

/**
 * Gemini answers a blocked prompt with HTTP 200, no candidates and `promptFeedback.blockReason`
 * (SAFETY, BLOCKLIST, PROHIBITED_CONTENT, IMAGE_SAFETY, OTHER). Nothing was generated, so this is
 * a failure of the attempt, not an empty answer.
 */
export function geminiPromptBlockedError(feedback: { blockReason?: string; blockReasonMessage?: string }, deploymentId: string | undefined): GatewayError {
  const reason = feedback.blockReason ?? 'BLOCK_REASON_UNSPECIFIED';
  const detail = feedback.blockReasonMessage !== undefined ? `: ${feedback.blockReasonMessage}` : '';
  return new GatewayError('content_filtered', `${deploymentId ?? 'gemini'}: the prompt was blocked (${reason})${detail}.`, {
    ...(deploymentId !== undefined ? { deploymentId } : {}),
  });
}
