import type { ChatRequest } from '../spec/index.js';

/** Per-message framing tokens (role markers) in OpenAI's chat format. */
const TOKENS_PER_MESSAGE = 4;
/** OpenAI bills a low-detail image at 85 tokens; high-detail tiles cost more, so we budget above. */
const TOKENS_PER_IMAGE = 765;

/**
 * A tokenizer-free count for when no real counter is injected: about 4 characters per token
 * for English prose and code (OpenAI's rule of thumb), rounding up, plus message framing and
 * a flat allowance per image. Within ~15% for English; undercounts CJK text.
 */
export function approximateChatTokens(request: ChatRequest): number {
  let tokens = 3;
  for (const message of request.messages) {
    tokens += TOKENS_PER_MESSAGE;
    if (message.role === 'assistant' && message.toolCalls) {
      for (const call of message.toolCalls) tokens += Math.ceil((call.function.name.length + call.function.arguments.length) / 4) + 3;
    }
    const content = message.content;
    if (content === null) continue;
    if (typeof content === 'string') {
      tokens += Math.ceil(content.length / 4);
      continue;
    }
    for (const part of content) {
      tokens += part.type === 'text' ? Math.ceil(part.text.length / 4) : TOKENS_PER_IMAGE;
    }
  }
  if (request.tools) tokens += Math.ceil(JSON.stringify(request.tools).length / 4);
  return tokens;
}
