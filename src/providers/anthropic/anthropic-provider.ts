import type { ProviderFactory } from '../provider-factory.js';
import { AnthropicChatModel } from './anthropic-chat-model.js';

/** The `anthropic` provider: Anthropic's Messages API. */
export const anthropicProvider: ProviderFactory = {
  name: 'anthropic',
  create: (options) => new AnthropicChatModel(options),
};
