import type { ChatMessage } from '../../spec/chat-message.js';
import { hashText } from './hash-text.js';

/** OpenAI's rules: prompts under 1024 tokens are never cached; hits come in 128-token steps. */
const MIN_CACHED_PROMPT = 1024;
const CACHE_STEP = 128;
const MAX_ENTRIES = 4096;

/**
 * Remembers which message prefixes this deployment has seen, so that a repeated system prompt
 * or conversation history comes back as cached input tokens, the way real prompt caches do.
 * Bounded: the oldest prefixes are forgotten first.
 */
export class SimulatedPromptCache {
  private readonly seen = new Set<number>();

  /**
   * Cached tokens for this prompt, then remembers its prefixes. `messageTokens[i]` is the
   * prompt's token count up to and including message i; `toolsKey` identifies what precedes
   * the messages (tool definitions, response schema).
   */
  lookupAndStore(toolsKey: string, messages: readonly ChatMessage[], messageTokens: readonly number[]): number {
    // Tool definitions sit before the messages in the prompt, so they are part of every prefix.
    let prefixHash = hashText(toolsKey);
    let cachedUpTo = 0;
    const hashes: number[] = [];
    for (const [i, message] of messages.entries()) {
      prefixHash = hashText(`${prefixHash}\u0000${JSON.stringify(message)}`);
      hashes.push(prefixHash);
      if (this.seen.has(prefixHash)) cachedUpTo = messageTokens[i] ?? 0;
    }
    for (const hash of hashes) this.remember(hash);
    return cachedUpTo >= MIN_CACHED_PROMPT ? Math.floor(cachedUpTo / CACHE_STEP) * CACHE_STEP : 0;
  }

  private remember(hash: number): void {
    if (this.seen.has(hash)) {
      // Refresh its place so that hot prefixes outlive cold ones.
      this.seen.delete(hash);
    } else if (this.seen.size >= MAX_ENTRIES) {
      const oldest = this.seen.values().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
    this.seen.add(hash);
  }
}
