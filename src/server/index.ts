export { createServer, startServer, type ServerOptions, type StartServerOptions, type SwitchyardServer } from './create-server.js';
export type { EndpointHandler, Exchange, ServerHooks } from './exchange.js';
export { parseChatRequest } from './parse-chat-request.js';
export { parseRoutingHeaders } from './parse-routing-headers.js';
export { HEADER } from './response-headers.js';
export { accountingServerOptions, type AccountingServerOptions } from './accounting-server-options.js';
