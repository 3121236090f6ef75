import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS, startObservedGateway, type ObservedGateway } from './start-observed-gateway.js';

/** The value of the first sample line of `name` whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelPart = line.slice(name.length, line.lastIndexOf(' '));
    if (wanted.every((pair) => labelPart.includes(pair))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

describe('observability end to end', () => {
  let run: ObservedGateway;
  let admin: (path: string, init?: RequestInit) => Promise<Response>;
  const decisionIds: string[] = [];

  beforeAll(async () => {
    run = await startObservedGateway({ logPrompts: true });
    admin = (path, init = {}) => fetch(`${run.url}${path}`, { ...init, headers: { authorization: `Bearer ${SECRETS.adminKey}`, ...(init.headers ?? {}) } });
    const client = new OpenAI({ baseURL: `${run.url}/v1`, apiKey: SECRETS.clientKey, maxRetries: 0 });
    const ask = async (content: string): Promise<void> => {
      const { response } = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content }] }).withResponse();
      decisionIds.push(response.headers.get('x-switchyard-decision-id')!);
    };
    for (let i = 0; i < 3; i++) await ask(`hello ${i}, my token is ${SECRETS.upstreamKey}`);
    await ask('write code for a parser');
    await ask('review this code');
    await ask('flaky question');
    const stream = await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hello stream' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('streamed answer from openai/gpt-4o-mini');
    await expect(ask('fail-all please')).rejects.toMatchObject({ status: 503 });
    // The stream settles just after its last byte; give the event loop a turn.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  afterAll(async () => {
    await run.close();
  });

  it('exposes exact counters on /metrics', async () => {
    const response = await fetch(`${run.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const ok = { policy: 'balanced', outcome: 'ok', status: '200' };
    expect(sample(text, 'switchyard_requests_total', { deployment: 'openai/gpt-4o-mini', ...ok })).toBe(4);
    expect(sample(text, 'switchyard_requests_total', { deployment: 'anthropic/claude-haiku', ...ok })).toBe(2);
    expect(sample(text, 'switchyard_requests_total', { deployment: 'openai/gpt-4o', ...ok })).toBe(1);
    expect(sample(text, 'switchyard_requests_total', { deployment: 'openai/gpt-4o', policy: 'balanced', outcome: 'overloaded', status: '503' })).toBe(1);
    expect(sample(text, 'switchyard_attempts_total', { deployment: 'openai/gpt-4o-mini', role: 'first', outcome: 'overloaded' })).toBe(2);
    expect(sample(text, 'switchyard_attempts_total', { deployment: 'openai/gpt-4o', role: 'fallback', outcome: 'overloaded' })).toBe(1);
    expect(sample(text, 'switchyard_attempt_winners_total', { deployment: 'openai/gpt-4o', role: 'fallback' })).toBe(1);
    expect(sample(text, 'switchyard_attempt_winners_total', { deployment: 'openai/gpt-4o-mini', role: 'first' })).toBe(4);
    expect(sample(text, 'switchyard_tokens_total', { deployment: 'openai/gpt-4o-mini', kind: 'input' })).toBe(4000);
    expect(sample(text, 'switchyard_tokens_total', { deployment: 'openai/gpt-4o-mini', kind: 'output' })).toBe(2000);
    expect(sample(text, 'switchyard_cost_usd_total', { deployment: 'openai/gpt-4o-mini' })).toBeCloseTo(0.0018, 10);
    expect(sample(text, 'switchyard_routing_decisions_total', { task: 'chat', deployment: 'openai/gpt-4o-mini' })).toBe(6);
    expect(sample(text, 'switchyard_routing_decisions_total', { task: 'coding', deployment: 'anthropic/claude-haiku' })).toBe(2);
    expect(sample(text, 'switchyard_request_duration_seconds_count', { deployment: 'openai/gpt-4o-mini' })).toBe(4);
    expect(sample(text, 'switchyard_requests_in_flight')).toBe(0);
    expect(sample(text, 'switchyard_breaker_state', { deployment: 'openai/gpt-4o' })).toBe(0);
    // Bounded labels: no request ids, key ids or prompt text anywhere.
    expect(text).not.toContain('key_client1');
    expect(text).not.toMatch(/dec_[0-9a-f-]{36}/);
  });

  it('reports the same traffic on /admin/stats', async () => {
    expect((await fetch(`${run.url}/admin/stats`)).status).toBe(401);
    const response = await admin('/admin/stats?window=5m');
    expect(response.status).toBe(200);
    const stats = (await response.json()) as {
      windowMs: number;
      gateway: { requests: number; errors: number; errorRateByClass: Record<string, number>; costUsd: { total: number } };
      deployments: Array<{ deploymentId: string; requests: number; errors: number; latencyMs: { p50?: number }; costUsd: { total: number } }>;
      sinceStart: { gateway: { requests: number } };
    };
    expect(stats.windowMs).toBe(300_000);
    expect(stats.gateway.requests).toBe(8);
    expect(stats.gateway.errors).toBe(1);
    expect(stats.gateway.errorRateByClass).toEqual({ overloaded: 1 / 8 });
    expect(stats.gateway.costUsd.total).toBeCloseTo(0.0149, 10);
    const byId = Object.fromEntries(stats.deployments.map((d) => [d.deploymentId, d]));
    expect(byId['openai/gpt-4o-mini']).toMatchObject({ requests: 6, errors: 2 });
    expect(byId['openai/gpt-4o']).toMatchObject({ requests: 2, errors: 1 });
    expect(byId['anthropic/claude-haiku']).toMatchObject({ requests: 2, errors: 0 });
    expect(byId['anthropic/claude-haiku']!.latencyMs.p50).toBeGreaterThan(0);
    expect(stats.sinceStart.gateway.requests).toBe(8);
    expect((await admin('/admin/stats?window=soon')).status).toBe(400);
  });

  it('keeps every decision with what happened, queryable by id, task and deployment', async () => {
    const all = (await (await admin('/admin/decisions?limit=100')).json()) as { data: Array<{ id: string; profile: { task: string }; result: { winner?: string; firstPickFailed: boolean } }> };
    expect(all.data).toHaveLength(8);
    // The request whose every attempt failed is kept too, with its re-derived decision.
    const failed = all.data.find((d) => d.result.winner === undefined)!;
    expect(failed.result.firstPickFailed).toBe(true);
    const one = (await (await admin(`/admin/decisions?id=${decisionIds[0]}`)).json()) as { data: Array<{ id: string; principalId: string; candidates: unknown[]; result: { winner: string; costUsd: number } }> };
    expect(one.data[0]).toMatchObject({ id: decisionIds[0], principalId: 'key_client1', result: { winner: 'openai/gpt-4o-mini' } });
    expect(one.data[0]!.candidates).toHaveLength(2);
    const coding = (await (await admin('/admin/decisions?task=coding')).json()) as { data: Array<{ result: { winner: string } }> };
    expect(coding.data.map((d) => d.result.winner)).toEqual(['anthropic/claude-haiku', 'anthropic/claude-haiku']);
    const onBig = (await (await admin('/admin/decisions?deployment=openai/gpt-4o')).json()) as { data: Array<{ result: { firstPickFailed: boolean } }> };
    expect(onBig.data).toHaveLength(2);
    expect(onBig.data.every((d) => d.result.firstPickFailed)).toBe(true);
    expect((await admin('/admin/decisions?id=nope')).status).toBe(404);
    expect((await admin('/admin/decisions?from=yesterday')).status).toBe(400);
    const future = (await (await admin(`/admin/decisions?from=${Date.now() + 60_000}`)).json()) as { data: unknown[] };
    expect(future.data).toEqual([]);
  });

  it('summarizes the period for audits', async () => {
    const summary = (await (await admin(`/admin/decisions/summary?from=${Date.now() - 60_000}`)).json()) as {
      decisions: number;
      firstPick: { failed: number };
      byTask: Array<{ task: string; requests: number }>;
      savings: { baselineDeployment: string; baselineCostUsd: number; savedUsd: number };
    };
    expect(summary.decisions).toBe(8);
    expect(summary.firstPick.failed).toBe(2);
    expect(summary.byTask).toEqual([expect.objectContaining({ task: 'chat', requests: 6 }), expect.objectContaining({ task: 'coding', requests: 2 })]);
    // Baseline: all 8 requests at gpt-4o's estimate of $0.0075; actual spend $0.0149.
    expect(summary.savings.baselineDeployment).toBe('openai/gpt-4o');
    expect(summary.savings.baselineCostUsd).toBeCloseTo(0.06, 10);
    expect(summary.savings.savedUsd).toBeCloseTo(0.0451, 10);
  });

  it('guards the dashboard with the admin key and trades ?key= for an HttpOnly cookie', async () => {
    const login = await fetch(`${run.url}/dashboard`);
    expect(login.status).toBe(401);
    expect(await login.text()).toContain('Admin key');
    expect((await fetch(`${run.url}/dashboard?key=wrong`, { redirect: 'manual' })).status).toBe(401);
    const granted = await fetch(`${run.url}/dashboard?key=${encodeURIComponent(SECRETS.adminKey)}`, { redirect: 'manual' });
    expect(granted.status).toBe(303);
    expect(granted.headers.get('location')).toBe('/dashboard');
    const cookie = granted.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).not.toContain(SECRETS.adminKey);
    const jar = cookie.split(';')[0]!;
    const page = await fetch(`${run.url}/dashboard`, { headers: { cookie: jar } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('/dashboard/dashboard.js');
    const snapshot = (await (await fetch(`${run.url}/admin/dashboard.json?window=5m`, { headers: { cookie: jar } })).json()) as { stats: { gateway: { requests: number } }; decisions: unknown[]; routingMix: Array<{ task: string; total: number }> };
    expect(snapshot.stats.gateway.requests).toBe(8);
    expect(snapshot.decisions).toHaveLength(8);
    expect(snapshot.routingMix.find((m) => m.task === 'coding')?.total).toBe(2);
    expect((await fetch(`${run.url}/admin/dashboard.json`, { headers: { cookie: 'switchyard_admin=00' } })).status).toBe(401);
    expect((await fetch(`${run.url}/dashboard/dashboard.js`)).status).toBe(200);
  });

  it('writes one log line per request, with redacted prompts and no key anywhere', () => {
    const lines = run.logLines();
    const requests = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === 'request');
    expect(requests).toHaveLength(8);
    expect(requests.every((line) => typeof line.requestId === 'string')).toBe(true);
    const hello = requests.find((line) => String(line.prompt).includes('hello 0'))!;
    expect(hello).toMatchObject({ principalId: 'key_client1', deployment: 'openai/gpt-4o-mini', outcome: 'ok', inputTokens: 1000, outputTokens: 500 });
    expect(hello.prompt).toContain('[REDACTED:api-key]');
    const failed = requests.find((line) => line.outcome !== 'ok')!;
    expect(failed).toMatchObject({ status: 503, errorCode: 'overloaded', level: 'warn' });
    for (const line of lines) for (const secret of Object.values(SECRETS)) expect(line).not.toContain(secret);
  });
});
