export { geminiProvider } from './gemini-provider.js';
export { GeminiChatModel, GEMINI_BASE_URL, type GeminiChatModelOptions } from './gemini-chat-model.js';
