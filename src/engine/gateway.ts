import type { ChatRequest } from '../spec/chat-request.js';
import type { ChatResponse } from '../spec/chat-response.js';
import type { Decision } from '../spec/decision.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../spec/embedding.js';
import type { FinishReason } from '../spec/finish-reason.js';
import type { LiveStats } from '../spec/live-stats.js';
import type { ModelProfile } from '../spec/model-profile.js';
import type { OutcomeClass } from '../spec/outcome-class.js';
import type { RoutingWishes } from '../spec/routing-wishes.js';
import type { StreamPart } from '../spec/stream-part.js';
import type { Usage } from '../spec/usage.js';
import type { GatewayErrorInfo } from '../spec/gateway-error-info.js';
import type { GatewayAccess } from './gateway-accounting.js';
import type { NativeBatchAccess } from './batch/native-batch-access.js';

/** Everything about one call that is not the request body. */
export interface RequestContext {
  requestId: string;
  /** Aborts every upstream attempt of this request (client gone). */
  signal?: AbortSignal;
  /** Routing wishes from `x-switchyard-*` headers; the body's `routing` object wins field by field. */
  wishes?: RoutingWishes;
  /** A policy name from `x-switchyard-policy`; used when `model` itself names no policy. */
  policy?: string;
  /** Who is calling; filled by authentication (`GatewayAccess.authenticate`). */
  principal?: { keyId: string; owner?: string; team?: string; allowedModels?: string[]; rateLimits?: { rpm?: number; tpm?: number } };
  /** The caller's cache wishes (`x-switchyard-cache`, `cache-control`). */
  cache?: CacheDirective;
}

/** What a request asks of the response cache. */
export interface CacheDirective {
  /** `on`: use the cache even where the policy does not; `off`: neither read nor write; `refresh`: skip the read, store the answer. */
  mode?: 'on' | 'off' | 'refresh';
  /** From `cache-control: max-age=N`: the stored answer's TTL, and the oldest answer acceptable. */
  maxAgeSeconds?: number;
  /** From `cache-control: no-store`: never write this answer. */
  noStore?: boolean;
}

/** How the response cache treated a request: `hit` answered from it (or from an identical request in flight). */
export interface CacheOutcome {
  status: 'hit' | 'miss' | 'bypass';
  /** For hits: `exact`, `semantic` or `coalesced`. */
  kind?: 'exact' | 'semantic' | 'coalesced';
  /** Seconds since the answer was produced, for hits. */
  ageSeconds?: number;
}

/** One upstream call and how it ended. */
export interface AttemptRecord {
  deploymentId: string;
  outcome: OutcomeClass;
  /** The GatewayError code where the attempt failed. */
  errorCode?: string;
  message?: string;
  latencyMs: number;
  /** Time to the first content part (streams) or to the whole answer (non-streaming). */
  ttftMs?: number;
  usage?: Usage;
  /** Set when the attempt ran beside others: a hedge, a leg of `mode: race` or of `mode: consensus`. */
  role?: 'hedge' | 'race' | 'consensus';
}

/** How a `mode: consensus` request agreed: `agreeing` of the `asked` candidates gave the returned answer. */
export interface ConsensusOutcome {
  agreeing: number;
  asked: number;
  /** Candidates that answered at all (the others failed). */
  answered: number;
  /** More than half of those asked agree. */
  majority: boolean;
}

export interface ChatResult {
  response: ChatResponse;
  decision: Decision;
  attempts: AttemptRecord[];
  deploymentId: string;
  usage: Usage;
  costUsd: number;
  /** Set by the caching layer. */
  cache?: CacheOutcome;
  /** Set for `mode: consensus`. */
  consensus?: ConsensusOutcome;
}

/** How a stream ended, known once its last part has been read (or the reader stopped). */
export interface StreamSettlement {
  deploymentId: string;
  attempts: AttemptRecord[];
  usage: Usage;
  costUsd: number;
  /** True when the upstream reported no usage and tokens were counted by us. */
  costEstimated: boolean;
  outcome: OutcomeClass;
  finishReason?: FinishReason;
  error?: GatewayErrorInfo;
}

/**
 * A stream past its commit point: the deployment that answers is fixed. `parts` replays what
 * was read ahead and then continues; failures from here on arrive in-band as an `error` part
 * followed by a `finish` part with reason `error`.
 */
export interface ChatStream {
  decision: Decision;
  deploymentId: string;
  /** Attempts that failed before the commit point (failed over invisibly). */
  failedAttempts: AttemptRecord[];
  parts: AsyncIterable<StreamPart>;
  /** Resolves (never rejects) once the stream has ended or the reader has stopped. */
  settlement: Promise<StreamSettlement>;
  /** Set by the caching layer. */
  cache?: CacheOutcome;
  /** Set for `mode: consensus` (computed whole, then replayed as a stream). */
  consensus?: ConsensusOutcome;
}

export interface EmbedResult {
  response: EmbeddingResponse;
  decision: Decision;
  deploymentId: string;
  attempts: AttemptRecord[];
  costUsd: number;
}

/** One entry of `GET /v1/models`. */
export interface ModelListing {
  id: string;
  kind: 'deployment' | 'alias' | 'policy';
  /** Deployment: its provider; alias and policy: `switchyard`. */
  ownedBy: string;
  /** Deployment only. */
  profile?: ModelProfile;
  /** Alias: its deployments. */
  deployments?: string[];
  description?: string;
}

/** What start-up reports: which deployments are live and which simulated, and why. */
export interface GatewaySummary {
  live: Array<{ id: string; provider: string; model: string; baseUrl?: string; source: 'config' | 'env' }>;
  simulated: Array<{ id: string; model: string }>;
  aliases: string[];
  policies: string[];
  defaultPolicy: string;
  /** Notes worth a log line (e.g. "no API keys set: serving simulated models"). */
  notes: string[];
}

export interface HealthReport {
  ready: boolean;
  deployments: number;
  /** Deployments whose breaker is open. */
  unavailable: string[];
}

/** The request pipeline: the one object the server (and CLI) talk to. */
export interface Gateway {
  readonly summary: GatewaySummary;
  /** Keys, budgets and the admin operations, when cost control is on. */
  readonly accounting?: GatewayAccess;
  /** Providers' own batch APIs for offline batch jobs; set by `buildGateway` on the gateway it returns. */
  nativeBatch?: NativeBatchAccess;
  chat(request: ChatRequest, context: RequestContext): Promise<ChatResult>;
  /** Resolves at the commit point; rejects when every candidate failed before it. */
  chatStream(request: ChatRequest, context: RequestContext): Promise<ChatStream>;
  embed(request: EmbeddingRequest, context: RequestContext): Promise<EmbedResult>;
  /** The routing decision for a request, without calling any model. */
  route(request: ChatRequest, context?: Partial<RequestContext>): Decision;
  listModels(): ModelListing[];
  stats(): LiveStats[];
  health(): HealthReport;
  close(): Promise<void>;
}
