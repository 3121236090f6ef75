import type { ChatResult } from '../engine/gateway.js';
import { toOpenAIUsageBody } from './openai-usage-body.js';

/** A non-streaming answer in OpenAI's `chat.completion` shape, plus a `switchyard` object explaining it. */
export function chatCompletionBody(result: ChatResult): Record<string, unknown> {
  const { response } = result;
  const body: Record<string, unknown> = {
    id: response.id,
    object: 'chat.completion',
    created: response.created,
    model: response.model,
    choices: response.choices.map((choice) => {
      const message: Record<string, unknown> = { role: 'assistant', content: choice.message.content, refusal: choice.message.refusal ?? null };
      if (choice.message.toolCalls !== undefined && choice.message.toolCalls.length > 0) {
        message.tool_calls = choice.message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }));
      }
      if (choice.message.reasoning !== undefined) message.reasoning_content = choice.message.reasoning;
      return { index: choice.index, message, logprobs: null, finish_reason: choice.finishReason };
    }),
    usage: toOpenAIUsageBody(result.usage, result.costUsd),
  };
  // Assigned, not spread into the literal: a spread mid-literal copies at run time and leaves the
  // rest of the object on the slow path, for every answer.
  if (response.systemFingerprint !== undefined) body.system_fingerprint = response.systemFingerprint;
  body.switchyard = {
    deployment: result.deploymentId,
    decision_id: result.decision.id,
    policy: result.decision.policy,
    cost_usd: result.costUsd,
    attempts: result.attempts.length,
  };
  return body;
}
