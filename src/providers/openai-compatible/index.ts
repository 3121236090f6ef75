export { OpenAICompatibleChatModel } from './openai-compatible-chat-model.js';
export {
  DEFAULT_QUIRKS,
  type OpenAIAuthStyle,
  type OpenAICompatibleConfig,
  type OpenAICompatibleQuirks,
  type OpenAIPathLayout,
} from './openai-compatible-config.js';
export { convertToOpenAIRequest, type ConvertOptions } from './convert-to-openai-request.js';
export { mapOpenAIError, mapOpenAIErrorObject, readOpenAIErrorObject, type OpenAIErrorContext } from './map-openai-error.js';
export { mapOpenAIResponse } from './map-openai-response.js';
export { mapOpenAIStream, type StreamMappingContext } from './map-openai-stream.js';
export { OpenAIStreamMapper } from './openai-stream-mapper.js';
export { mapOpenAIEmbedding, decodeBase64Floats } from './map-openai-embedding.js';
export { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
export { mapOpenAIUsage } from './map-openai-usage.js';
export { openAIEndpointUrl, type OpenAIEndpoint } from './openai-endpoint-url.js';
