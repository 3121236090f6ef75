export { anthropicProvider } from './anthropic-provider.js';
export { AnthropicChatModel } from './anthropic-chat-model.js';
export { ANTHROPIC_DEFAULT_BASE_URL, ANTHROPIC_DEFAULT_MAX_TOKENS, ANTHROPIC_VERSION, type AnthropicSettings } from './anthropic-settings.js';
