import type { ChatRequest } from '../../spec/chat-request.js';
import type { CacheConfig, PolicyCacheConfig } from '../../config/cache-config-schema.js';
import type { RequestContext } from '../gateway.js';

/** What the cache does for one request. */
export interface CachePlan {
  /** May answer from the cache (or join an identical request in flight). */
  read: boolean;
  /** Stores the answer. */
  write: boolean;
  ttlMs: number;
  /** Oldest acceptable cached answer (from `cache-control: max-age`). */
  maxAgeMs?: number;
  /** Also look for a near-identical cached question (the policy opted in to the semantic cache). */
  semantic?: boolean;
  /** Why the cache stays out of it, when it does. */
  bypassReason?: string;
}

export interface ResponseCacheRulesOptions {
  cache: Pick<CacheConfig, 'defaultTtlSeconds' | 'maxTtlSeconds' | 'cacheNonDeterministic'>;
  /** Each configured policy's cache section. */
  policies: Readonly<Record<string, { cache?: PolicyCacheConfig | undefined }>>;
  defaultPolicy: string;
}

const BYPASS = (reason: string): CachePlan => ({ read: false, write: false, ttlMs: 0, bypassReason: reason });

/**
 * Whether and how a request uses the cache, from the policy it is routed by (opt-in per policy)
 * and the caller's directive (`x-switchyard-cache`, `cache-control`). Sampled answers
 * (temperature above 0, or unset, where providers default to 1) are cached only where the
 * config says so: replaying one answer would hide the variety the caller asked for.
 */
export class ResponseCacheRules {
  private readonly options: ResponseCacheRulesOptions;

  constructor(options: ResponseCacheRulesOptions) {
    this.options = options;
  }

  /** The policy a request is routed by: `model` naming a policy, else the header's, else the default. */
  policyOf(request: ChatRequest, context: Pick<RequestContext, 'policy'>): string {
    if (Object.hasOwn(this.options.policies, request.model)) return request.model;
    return context.policy ?? this.options.defaultPolicy;
  }

  plan(request: ChatRequest, context: Pick<RequestContext, 'policy' | 'cache'>): CachePlan {
    const directive = context.cache;
    if (directive?.mode === 'off') return BYPASS('the request turned the cache off');
    const policyCache = this.options.policies[this.policyOf(request, context)]?.cache;
    const optedIn = directive?.mode === 'on' || directive?.mode === 'refresh' || policyCache?.enabled === true;
    if (!optedIn) return BYPASS('the policy does not cache');
    const nonDeterministicOk = policyCache?.cacheNonDeterministic ?? this.options.cache.cacheNonDeterministic;
    if (request.temperature !== 0 && !nonDeterministicOk) return BYPASS('sampled answers (temperature not 0) are not cached');
    const maxTtlMs = this.options.cache.maxTtlSeconds * 1000;
    const maxAge = directive?.maxAgeSeconds;
    const ttlSeconds = maxAge !== undefined && maxAge > 0 ? maxAge : (policyCache?.ttlSeconds ?? this.options.cache.defaultTtlSeconds);
    const plan: CachePlan = {
      read: directive?.mode !== 'refresh',
      write: directive?.noStore !== true,
      ttlMs: Math.min(ttlSeconds * 1000, maxTtlMs),
    };
    if (maxAge !== undefined) plan.maxAgeMs = maxAge * 1000;
    if (policyCache?.semantic === true) plan.semantic = true;
    return plan;
  }
}
