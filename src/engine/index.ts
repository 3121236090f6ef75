export { buildGateway, type BuildGatewayOptions } from './build-gateway.js';
export type {
  AttemptRecord,
  ChatResult,
  ChatStream,
  EmbedResult,
  Gateway,
  GatewaySummary,
  HealthReport,
  ModelListing,
  RequestContext,
  StreamSettlement,
} from './gateway.js';
export { SwitchyardGateway, type SwitchyardGatewayOptions } from './switchyard-gateway.js';
export { AttemptsExhaustedError } from './attempts-exhausted-error.js';
export { runAttempts, type AttemptLoopOptions, type AttemptStatsSink, type AttemptSuccess } from './attempt-loop.js';
export { openCommittedStream, type CommittedStream, type StreamEnd } from './open-committed-stream.js';
export { canFallBack } from './can-fall-back.js';
export { detectEnvDeployments, ENV_PROVIDERS, type EnvProvider } from './env-deployments.js';
export type { GatewayDeployment, GatewayPolicy, GatewayTables } from './gateway-tables.js';
export { monthlyCostUsd, type TrafficShape } from './monthly-cost-usd.js';
export { readLedgerMix, type LedgerMix } from './read-ledger-mix.js';
