import { createHash } from 'node:crypto';
import type { ChatRequest } from '../../spec/chat-request.js';
import type { RoutingWishes } from '../../spec/routing-wishes.js';
import type { RequestContext } from '../gateway.js';
import { mergeWishes } from '../merge-wishes.js';
import { canonicalJson } from './canonical-json.js';

/** Routing wishes that can change which model answers; a deadline changes only how long we wait. */
function answerShapingWishes(wishes: RoutingWishes | undefined): Omit<RoutingWishes, 'timeoutMs'> | undefined {
  if (wishes === undefined) return undefined;
  const { timeoutMs: _timeoutMs, ...rest } = wishes;
  return Object.keys(rest).length === 0 ? undefined : rest;
}

/**
 * The exact-cache key of a chat request within one tenant scope: everything that can change the
 * answer (target, policy, routing wishes, messages, sampling and output parameters, tools,
 * pass-through fields) and nothing that cannot (`user`, the request id, `stream`,
 * `stream_options`, deadlines). A SHA-256 of canonical JSON, so that key order does not matter.
 */
export function cacheKey(request: ChatRequest, context: Pick<RequestContext, 'policy' | 'wishes'>, scope: string): string {
  const shape = {
    model: request.model,
    policy: context.policy,
    routing: answerShapingWishes(mergeWishes(context.wishes, request.routing)),
    messages: request.messages,
    tools: request.tools,
    toolChoice: request.toolChoice,
    parallelToolCalls: request.parallelToolCalls,
    responseFormat: request.responseFormat,
    temperature: request.temperature,
    topP: request.topP,
    maxOutputTokens: request.maxOutputTokens,
    stop: request.stop,
    n: request.n,
    seed: request.seed,
    presencePenalty: request.presencePenalty,
    frequencyPenalty: request.frequencyPenalty,
    reasoningEffort: request.reasoningEffort,
    extra: request.extra,
  };
  const digest = createHash('sha256').update(canonicalJson(shape)).digest('hex');
  return `${scope}:${digest}`;
}
