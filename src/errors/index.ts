export { ERROR_CODES, isErrorCode, type ErrorCode, type ErrorCodeInfo } from './error-codes.js';
export { GatewayError, isGatewayError, toGatewayError, type GatewayErrorOptions } from './gateway-error.js';
export { toOpenAIErrorBody, type OpenAIErrorBody } from './openai-error-body.js';
