import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { CachingGateway } from '../../src/engine/cache/caching-gateway.js';
import { ResponseCacheRules } from '../../src/engine/cache/response-cache-rules.js';
import type { GatewayAccounting } from '../../src/engine/gateway-accounting.js';
import type { RequestContext } from '../../src/engine/gateway.js';
import { openGatewayAccounting } from '../../src/engine/open-gateway-accounting.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import { MemoryResponseCacheStore } from '../../src/state/cache/memory-response-cache-store.js';
import { ScriptedInnerGateway } from './scripted-inner-gateway.js';

let accounting: GatewayAccounting | undefined;

afterEach(async () => {
  await accounting?.close();
  accounting = undefined;
});

const request: ChatRequest = { model: 'cached', temperature: 0, messages: [{ role: 'user', content: 'same question' }] };

async function setup(rateLimits: { rpm?: number; tpm?: number }) {
  const config = parseConfig({ simulated: 'off', autoDetectProviders: false, accounting: { store: 'memory' }, policies: { cached: { cache: { enabled: true, ttlSeconds: 60 } } } }, {});
  accounting = await openGatewayAccounting({ config });
  const opened = accounting;
  const inner = new ScriptedInnerGateway();
  const gateway = new CachingGateway(inner, {
    store: new MemoryResponseCacheStore({ maxBytes: 1 << 20 }),
    rules: new ResponseCacheRules({ cache: config.cache, policies: config.policies, defaultPolicy: 'cached' }),
    scope: 'key',
    coalesce: false,
    admitHit: (context) => opened.admitCacheHit(context),
  });
  // The inner gateway here does not admit misses itself: a miss is admitted the way the engine does it.
  const context = (): RequestContext => ({ requestId: `r-${Math.random()}`, principal: { keyId: 'k1', rateLimits } });
  const miss = async () => opened.begin(context(), { streamed: false, estimatedTokens: 100 });
  return { gateway, inner, context, miss, opened };
}

describe('cache hits and the key rate limits', () => {
  it('count a hit against the key requests per minute: past the RPM limit a hit is refused with 429', async () => {
    const { gateway, inner, context, miss } = await setup({ rpm: 3 });
    await miss();
    await gateway.chat(request, context());
    const second = await gateway.chat(request, context());
    const third = await gateway.chat(request, context());
    expect([second.cache?.status, third.cache?.status]).toEqual(['hit', 'hit']);
    await expect(gateway.chat(request, context())).rejects.toMatchObject({ code: 'rate_limited', status: 429 });
    expect(inner.calls).toBe(1);
  });

  it('do not count a hit against tokens per minute: with the TPM window used up, hits are still served', async () => {
    const { gateway, context, miss, opened } = await setup({ tpm: 100 });
    await miss();
    await gateway.chat(request, context());
    // The window is full: a request that needs upstream tokens is refused...
    await expect(opened.begin(context(), { streamed: false, estimatedTokens: 10 })).rejects.toMatchObject({ code: 'rate_limited' });
    // ...while answers from the cache, which use none, keep coming.
    for (let i = 0; i < 5; i += 1) expect((await gateway.chat(request, context())).cache?.status).toBe('hit');
  });
});

