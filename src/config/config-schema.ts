import { z } from 'zod';
import { batchesSchema } from './batches-config-schema.js';
import { cacheSchema, policyCacheSchema } from './cache-config-schema.js';
import { experimentSchema, learningSchema } from './learning-config-schema.js';
import { deploymentHealthCheckSchema, healthChecksSchema } from './health-check-config-schema.js';
import { TASK_TYPES } from '../spec/task-type.js';

const nonNegative = z.number().finite().nonnegative();
const positiveInt = z.number().int().positive();
const unit = z.number().min(0).max(1);

const pricingSchema = z
  .object({
    inputPerMTok: nonNegative,
    outputPerMTok: nonNegative,
    cachedInputPerMTok: nonNegative,
    cacheWritePerMTok: nonNegative,
    batchDiscount: unit,
  })
  .partial()
  .strict();

const deadlinesSchema = z
  .object({ connectMs: positiveInt, firstTokenMs: positiveInt, idleMs: positiveInt, totalMs: positiveInt })
  .partial()
  .strict();

const qualitySchema = z
  .object(Object.fromEntries([...TASK_TYPES, 'default'].map((task) => [task, unit])) as Record<string, typeof unit>)
  .partial()
  .strict();

const providerSchema = z
  .object({
    /** Wire protocol or preset: openai, azure, anthropic, gemini, vllm, ollama, groq, together, mistral, deepseek, openrouter, openai-compatible, simulated. */
    type: z.string().min(1),
    baseUrl: z.url().optional(),
    apiKey: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    /** Adapter-specific settings (e.g. Azure's api-version), validated by the adapter. */
    settings: z.record(z.string(), z.unknown()).optional(),
    /** Most sockets to this provider's origin. */
    connections: positiveInt.optional(),
  })
  .strict();

const deploymentSchema = z
  .object({
    /** `<name>/<model>`; what clients put in `model`. */
    id: z.string().regex(/^[^\s/]+\/\S+$/, 'must look like "<provider>/<model>"'),
    /** A key of `providers`, or a provider type used with its defaults. */
    provider: z.string().min(1),
    model: z.string().min(1),
    pricing: pricingSchema.optional(),
    contextWindow: positiveInt.optional(),
    maxOutputTokens: positiveInt.optional(),
    capabilities: z
      .object({ tools: z.boolean(), vision: z.boolean(), json: z.boolean(), streaming: z.boolean(), embeddings: z.boolean() })
      .partial()
      .strict()
      .optional(),
    quality: qualitySchema.optional(),
    latency: z.object({ ttftMs: nonNegative, outputTokensPerSecond: z.number().positive() }).partial().strict().optional(),
    limits: z.object({ requestsPerMinute: positiveInt, tokensPerMinute: positiveInt, maxConcurrent: positiveInt }).partial().strict().optional(),
    deadlines: deadlinesSchema.optional(),
    /** This deployment's active health check, over the global `healthChecks`. */
    healthCheck: deploymentHealthCheckSchema.optional(),
    settings: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const policySchema = z
  .object({
    description: z.string().optional(),
    weights: z.object({ cost: nonNegative, latency: nonNegative, quality: nonNegative, reliability: nonNegative }).partial().strict().optional(),
    /** Restricts candidates to these deployment ids or aliases. */
    deployments: z.array(z.string()).optional(),
    /** An explicit fallback chain tried in this order after the ranked pick fails. */
    fallback: z.array(z.string()).optional(),
    maxAttempts: positiveInt.optional(),
    retries: z.object({ max: z.number().int().min(0), baseMs: positiveInt, maxMs: positiveInt }).partial().strict().optional(),
    /** Start the next candidate when the first has no first token after `delayMs` (default: its measured p95 TTFT). */
    hedging: z.object({ enabled: z.boolean(), delayMs: positiveInt.optional() }).strict().optional(),
    mode: z.enum(['single', 'race', 'consensus']).optional(),
    /** `n` candidates for `race` (default 2) and `consensus` (default 3); how consensus compares answers and what it does without a majority. */
    parallel: z
      .object({ n: z.number().int().min(2), comparator: z.enum(['exact', 'normalized', 'majority']), onNoMajority: z.enum(['answer', 'error']) })
      .partial()
      .strict()
      .optional(),
    /** Budget-aware routing: below `floor` remaining share, expensive models only for complex requests. */
    budgetAware: z.object({ enabled: z.boolean(), floor: unit.optional(), cheapestOnlyBelow: unit.optional() }).strict().optional(),
    contentFilterFallback: z.string().optional(),
    cache: policyCacheSchema.optional(),
    /** `learned`: predicted quality per prompt from the shipped learned model; `profile` (default): the profile table. */
    quality: z.enum(['profile', 'learned']).optional(),
    /** This policy's share of requests ranked without feedback (overrides `learning.explorationFloor`). */
    explorationFloor: unit.optional(),
  })
  .strict();

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(4000),
        /** Largest accepted request body in bytes. */
        maxBodyBytes: positiveInt.default(4 * 1024 * 1024),
        /** Whole-request deadline unless the request sets a shorter one. */
        requestTimeoutMs: positiveInt.default(600_000),
      })
      .strict()
      .prefault({}),
    providers: z.record(z.string(), providerSchema).default({}),
    deployments: z.array(deploymentSchema).default([]),
    /** Several deployments behind one name. */
    aliases: z.record(z.string(), z.array(z.string()).min(1)).default({}),
    policies: z.record(z.string(), policySchema).default({}),
    routing: z.object({ defaultPolicy: z.string().default('balanced') }).strict().prefault({}),
    healthChecks: healthChecksSchema.prefault({}),
    /** `auto`: serve the simulated models only when no real deployment is configured. */
    simulated: z.enum(['auto', 'on', 'off']).default('auto'),
    /** Add real deployments for provider API keys found in the environment. */
    autoDetectProviders: z.boolean().default(true),
    dataDir: z.string().default('./.switchyard'),
    /** Shared state so several gateway processes act as one: `redis://…` (or REDIS_URL). Absent: each process keeps its own. */
    state: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
    /** Keys, budgets and ledger in Postgres: `postgres://…` (or DATABASE_URL). Absent: `accounting.store` in dataDir. */
    store: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
    keys: z.object({ enabled: z.boolean().default(false) }).strict().prefault({}),
    /** Cost control: where spend is stored, budgets declared in config (applied at start), alerts. */
    accounting: z
      .object({
        /** `sqlite` in `dataDir`; `memory` keeps nothing across restarts (tests, demos). */
        store: z.enum(['sqlite', 'memory']).default('sqlite'),
        budgets: z
          .array(
            z
              .object({
                scope: z.enum(['global', 'team', 'key']),
                /** Team name or key id; not for `global`. */
                scopeId: z.string().min(1).optional(),
                period: z.enum(['day', 'week', 'month', 'total']),
                limitUsd: nonNegative,
                alertThresholds: z.array(unit).optional(),
              })
              .strict(),
          )
          .default([]),
        /** Default alert thresholds, shares of each budget's limit. */
        alertThresholds: z.array(unit).default([0.5, 0.8, 1]),
        /** Alerts are also POSTed here as JSON, retried with backoff, off the request path. */
        webhook: z.object({ url: z.url(), headers: z.record(z.string(), z.string()).optional() }).strict().optional(),
        /** Spend-rate anomaly alert; `false` turns it off. */
        anomaly: z
          .union([
            z.literal(false),
            z.object({ factor: z.number().positive(), minSpendUsd: nonNegative, baselineHours: positiveInt, minHistoryHours: positiveInt }).partial().strict(),
          ])
          .default({}),
      })
      .strict()
      .prefault({}),
    /** Observability: the decision audit log, metrics exposure, tracing. */
    telemetry: z
      .object({
        /** Require the admin key on `/metrics` too (it is open by default, like most scrape targets). */
        protectMetrics: z.boolean().default(false),
        /** Also export Node process metrics (CPU, memory, event loop) on `/metrics`. */
        processMetrics: z.boolean().default(false),
        decisions: z
          .object({
            /** `sqlite`: `<dataDir>/decisions.sqlite`; `memory`: the latest `maxRecords`, lost on restart. */
            store: z.enum(['sqlite', 'memory']).default('sqlite'),
            /** Decisions older than this are deleted. */
            retentionDays: z.number().positive().default(30),
            /** Most decisions the memory store keeps. */
            maxRecords: positiveInt.default(10_000),
          })
          .strict()
          .prefault({}),
        /** OpenTelemetry traces over OTLP/HTTP; off unless enabled with a URL. */
        tracing: z
          .object({
            enabled: z.boolean().default(false),
            /** e.g. `http://collector:4318/v1/traces`. */
            otlpUrl: z.url().optional(),
            headers: z.record(z.string(), z.string()).optional(),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    cache: cacheSchema.prefault({}),
    batches: batchesSchema.prefault({}),
    learning: learningSchema.prefault({}),
    experiments: z.record(z.string().regex(/^[\w.-]+$/), experimentSchema).default({}),
    logging: z
      .object({
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
        /** Log prompt and completion text (redacted for obvious secrets). Off by default. */
        logPrompts: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type GatewayConfig = z.infer<typeof configSchema>;
export type ProviderConfig = z.infer<typeof providerSchema>;
export type DeploymentConfig = z.infer<typeof deploymentSchema>;
export type PolicyConfig = z.infer<typeof policySchema>;
