import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { CachingGateway } from '../../src/engine/cache/caching-gateway.js';
import { ResponseCacheRules } from '../../src/engine/cache/response-cache-rules.js';
import type { ChatStream, RequestContext } from '../../src/engine/gateway.js';
import type { ChatRequest } from '../../src/spec/chat-request.js';
import type { StreamPart } from '../../src/spec/stream-part.js';
import type { LedgerEntry } from '../../src/state/ledger-entry.js';
import { MemoryResponseCacheStore } from '../../src/state/cache/memory-response-cache-store.js';
import { ScriptedInnerGateway } from './scripted-inner-gateway.js';

const request = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'cached', messages: [{ role: 'user', content }], temperature: 0, ...extra });
const ctx = (extra: Partial<RequestContext> = {}): RequestContext => ({ requestId: `r-${Math.random()}`, ...extra });

function setup(document: Record<string, unknown> = {}) {
  let now = 1_000_000;
  const config = parseConfig({ simulated: 'off', autoDetectProviders: false, policies: { cached: { cache: { enabled: true, ttlSeconds: 60 } }, plain: {} }, ...document }, {});
  const inner = new ScriptedInnerGateway();
  const ledger: LedgerEntry[] = [];
  const hits: string[] = [];
  const gateway = new CachingGateway(inner, {
    store: new MemoryResponseCacheStore({ maxBytes: 1 << 20, now: () => now }),
    rules: new ResponseCacheRules({ cache: config.cache, policies: config.policies, defaultPolicy: 'plain' }),
    scope: config.cache.scope,
    coalesce: true,
    ledger: { record: (...rows) => ledger.push(...rows) },
    observer: { cacheHit: (event) => hits.push(event.kind) },
    now: () => now,
  });
  return { gateway, inner, ledger, hits, advance: (ms: number) => (now += ms) };
}

async function readAll(stream: ChatStream): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream.parts) parts.push(part);
  return parts;
}

const text = (parts: StreamPart[]): string => parts.flatMap((p) => (p.type === 'text-delta' ? [p.text] : [])).join('');

describe('CachingGateway', () => {
  it('answers a repeated request from the cache at zero cost, marked, in the ledger and telemetry', async () => {
    const { gateway, inner, ledger, hits } = setup();
    const first = await gateway.chat(request('hello'), ctx());
    expect(first.cache).toEqual({ status: 'miss' });
    expect(first.costUsd).toBeGreaterThan(0);
    const second = await gateway.chat(request('hello', { user: 'someone-else' }), ctx({ principal: undefined }));
    expect(inner.calls).toBe(1);
    expect(second.cache?.status).toBe('hit');
    expect(second.cache?.kind).toBe('exact');
    expect(second.costUsd).toBe(0);
    expect(second.attempts).toEqual([]);
    expect(second.response.choices[0]?.message.content).toBe(first.response.choices[0]?.message.content);
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ cacheHit: true, costUsd: 0, kind: 'request', outcome: 'ok', deploymentId: 'fake/a' });
    expect(hits).toEqual(['exact']);
  });

  it('stays out of policies that do not opt in, unless the request asks', async () => {
    const { gateway, inner } = setup();
    const plain = request('hi', { model: 'plain' });
    expect((await gateway.chat(plain, ctx())).cache).toEqual({ status: 'bypass' });
    await gateway.chat(plain, ctx());
    expect(inner.calls).toBe(2);
    await gateway.chat(plain, ctx({ cache: { mode: 'on' } }));
    const hit = await gateway.chat(plain, ctx({ cache: { mode: 'on' } }));
    expect(hit.cache?.status).toBe('hit');
    expect(inner.calls).toBe(3);
  });

  it('honours off and refresh', async () => {
    const { gateway, inner } = setup();
    await gateway.chat(request('q'), ctx());
    expect((await gateway.chat(request('q'), ctx({ cache: { mode: 'off' } }))).cache?.status).toBe('bypass');
    const refreshed = await gateway.chat(request('q'), ctx({ cache: { mode: 'refresh' } }));
    expect(refreshed.cache?.status).toBe('miss');
    expect(inner.calls).toBe(3);
    const hit = await gateway.chat(request('q'), ctx());
    expect(hit.response.choices[0]?.message.content).toBe(refreshed.response.choices[0]?.message.content);
  });

  it('never caches sampled answers unless configured', async () => {
    const { gateway, inner } = setup();
    for (const temperature of [0.7, undefined]) {
      const sampled = request('poem', temperature === undefined ? {} : { temperature });
      if (temperature === undefined) delete sampled.temperature;
      expect((await gateway.chat(sampled, ctx())).cache?.status).toBe('bypass');
      expect((await gateway.chat(sampled, ctx())).cache?.status).toBe('bypass');
    }
    expect(inner.calls).toBe(4);
    const allowed = setup({ policies: { cached: { cache: { enabled: true, cacheNonDeterministic: true } } } });
    await allowed.gateway.chat(request('poem', { temperature: 0.7 }), ctx());
    expect((await allowed.gateway.chat(request('poem', { temperature: 0.7 }), ctx())).cache?.status).toBe('hit');
  });

  it('keeps tenants apart', async () => {
    const { gateway, inner } = setup();
    const alice = { keyId: 'k-alice', team: 'ml' };
    const bob = { keyId: 'k-bob', team: 'ml' };
    const a = await gateway.chat(request('secret plan'), ctx({ principal: alice }));
    const b = await gateway.chat(request('secret plan'), ctx({ principal: bob }));
    expect(b.cache?.status).toBe('miss');
    expect(b.response.choices[0]?.message.content).not.toBe(a.response.choices[0]?.message.content);
    expect((await gateway.chat(request('secret plan'), ctx())).cache?.status).toBe('miss');
    expect((await gateway.chat(request('secret plan'), ctx({ principal: alice }))).response.id).toBe(a.response.id);
    expect(inner.calls).toBe(3);
  });

  it('shares per team when configured', async () => {
    const { gateway, inner } = setup({ cache: { scope: 'team' } });
    await gateway.chat(request('shared'), ctx({ principal: { keyId: 'k1', team: 'ml' } }));
    expect((await gateway.chat(request('shared'), ctx({ principal: { keyId: 'k2', team: 'ml' } }))).cache?.status).toBe('hit');
    expect((await gateway.chat(request('shared'), ctx({ principal: { keyId: 'k3', team: 'ops' } }))).cache?.status).toBe('miss');
    expect(inner.calls).toBe(2);
  });

  it('expires entries after the policy TTL, or the max-age the request gives', async () => {
    const { gateway, inner, advance } = setup();
    await gateway.chat(request('ttl'), ctx());
    advance(59_000);
    expect((await gateway.chat(request('ttl'), ctx())).cache?.status).toBe('hit');
    advance(1_000);
    expect((await gateway.chat(request('ttl'), ctx())).cache?.status).toBe('miss');
    expect(inner.calls).toBe(2);
    advance(30_000);
    // Stored 30 s ago: too old for max-age=10, so fetched again (and stored for 10 s).
    const fresh = await gateway.chat(request('ttl'), ctx({ cache: { maxAgeSeconds: 10 } }));
    expect(fresh.cache?.status).toBe('miss');
    advance(9_000);
    const hit = await gateway.chat(request('ttl'), ctx());
    expect(hit.cache).toEqual({ status: 'hit', kind: 'exact', ageSeconds: 9 });
    advance(1_000);
    expect((await gateway.chat(request('ttl'), ctx())).cache?.status).toBe('miss');
  });

  it('does not store with no-store', async () => {
    const { gateway, inner } = setup();
    await gateway.chat(request('private'), ctx({ cache: { noStore: true } }));
    await gateway.chat(request('private'), ctx());
    expect(inner.calls).toBe(2);
  });

  it('caches a streamed answer and replays it to stream and JSON callers', async () => {
    const { gateway, inner } = setup();
    const live = await gateway.chatStream(request('stream me', { stream: true }), ctx());
    expect(live.cache?.status).toBe('miss');
    const liveParts = await readAll(live);
    await live.settlement;
    await new Promise((resolve) => setImmediate(resolve));
    const replayed = await gateway.chatStream(request('stream me', { stream: true }), ctx());
    expect(replayed.cache?.status).toBe('hit');
    const parts = await readAll(replayed);
    expect(text(parts)).toBe(text(liveParts));
    expect(parts[0]?.type).toBe('start');
    expect(parts.some((p) => p.type === 'finish' && p.finishReason === 'stop')).toBe(true);
    expect((await replayed.settlement).costUsd).toBe(0);
    const json = await gateway.chat(request('stream me'), ctx());
    expect(json.cache?.status).toBe('hit');
    expect(json.response.choices[0]?.message.content).toBe(text(liveParts));
    expect(inner.calls).toBe(1);
  });

  it('does not cache a stream the reader abandoned', async () => {
    const { gateway, inner } = setup();
    const live = await gateway.chatStream(request('cut short'), ctx());
    for await (const part of live.parts) if (part.type === 'text-delta') break;
    await new Promise((resolve) => setImmediate(resolve));
    expect((await gateway.chat(request('cut short'), ctx())).cache?.status).toBe('miss');
    expect(inner.calls).toBe(2);
  });

  it('coalesces 10 identical concurrent requests into one upstream call', async () => {
    const { gateway, inner, hits } = setup();
    inner.delayMs = 20;
    const results = await Promise.all(Array.from({ length: 10 }, () => gateway.chat(request('burst'), ctx())));
    expect(inner.calls).toBe(1);
    expect(new Set(results.map((r) => r.response.choices[0]?.message.content)).size).toBe(1);
    expect(results.filter((r) => r.cache?.status === 'miss')).toHaveLength(1);
    expect(results.filter((r) => r.cache?.kind === 'coalesced')).toHaveLength(9);
    expect(hits.filter((kind) => kind === 'coalesced')).toHaveLength(9);
  });

  it('coalesces streaming followers behind a streaming leader, replaying the whole answer', async () => {
    const { gateway, inner } = setup();
    inner.delayMs = 20;
    // Each caller reads its own stream, as the server does; followers resolve once the leader's answer is complete.
    const texts = await Promise.all(Array.from({ length: 10 }, async () => text(await readAll(await gateway.chatStream(request('burst stream', { stream: true }), ctx())))));
    expect(inner.calls).toBe(1);
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).toContain('burst stream');
  });

  it('lets followers run on their own when the leader fails', async () => {
    const { gateway, inner } = setup();
    inner.delayMs = 10;
    const original = inner.chat.bind(inner);
    let failOnce = true;
    inner.chat = async (req) => {
      if (failOnce) {
        failOnce = false;
        inner.calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error('upstream down');
      }
      return original(req);
    };
    const settled = await Promise.allSettled(Array.from({ length: 3 }, () => gateway.chat(request('flaky'), ctx())));
    expect(settled.filter((s) => s.status === 'rejected')).toHaveLength(1);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(2);
  });

  it('refuses an unauthenticated hit when keys are required', async () => {
    const { gateway, inner } = setup();
    Object.defineProperty(inner, 'accounting', { value: { keysRequired: true } });
    await expect(gateway.chat(request('x'), ctx())).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
