import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { completion, textStream } from '../e2e/openai-wire.js';
import { ADMIN_KEY, UPSTREAM_KEY, accountedConfig, startAccountedGateway, type AccountedGateway } from './start-accounted-gateway.js';

/** Text that must never reach a log line. */
const PROMPT = 'PROMPT-CANARY: the launch code is 8675309';

let upstream: FakeUpstream;
let run: AccountedGateway;
const keysUsed: string[] = [];
/** Moves the accounting clock forward, so that expiry needs no sleeping. */
let skewMs = 0;

async function createKey(body: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const created = await run.admin('/admin/keys', { method: 'POST', body });
  expect(created.status).toBe(201);
  keysUsed.push(created.body.key as string);
  return { id: created.body.id as string, key: created.body.key as string };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- error bodies are read loosely
async function rawChat(authorization: string | undefined, model = 'fake/small'): Promise<{ status: number; body: any }> {
  const response = await fetch(`${run.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: PROMPT }] }),
  });
  return { status: response.status, body: await response.json() };
}

const ask = (client: OpenAI, model = 'fake/small'): Promise<OpenAI.Chat.ChatCompletion> =>
  client.chat.completions.create({ model, messages: [{ role: 'user', content: PROMPT }] });

beforeAll(async () => {
  upstream = await startFakeUpstream((request) => {
    if (request.path.endsWith('/embeddings')) {
      return { kind: 'json', body: { object: 'list', model: 'small-model', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }], usage: { prompt_tokens: 7, total_tokens: 7 } } };
    }
    const body = request.json as { stream?: boolean; model: string };
    return body.stream === true ? textStream(body.model, ['o', 'k']) : completion(body.model, 'ok', { usage: { input: 100, output: 50 } });
  });
  run = await startAccountedGateway(accountedConfig(upstream.url, { accounting: { store: 'memory' } }), { clock: () => Date.now() + skewMs });
});

afterAll(async () => {
  await run?.close();
  await upstream?.close();
});

describe('virtual keys on /v1/*', () => {
  it('401 in OpenAI error shape without a key, on every /v1 endpoint', async () => {
    const missing = await rawChat(undefined);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: { message: expect.stringMatching(/Missing API key/), type: 'authentication_error', code: 'unauthorized', param: null } });
    expect((await fetch(`${run.url}/v1/models`)).status).toBe(401);
    const embed = await fetch(`${run.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'fake/small', input: 'x' }) });
    expect(embed.status).toBe(401);
    expect(upstream.requests).toHaveLength(0);
  });

  it('401 for an unknown key and for a malformed header', async () => {
    const unknown = await rawChat('Bearer sk-sy-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe('Unknown API key.');
    expect((await rawChat('Basic abc')).status).toBe(401);
    await expect(ask(run.client('sk-sy-not-a-real-key'))).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('answers an active key and records its spend under it', async () => {
    const { id, key } = await createKey({ owner: 'alice', team: 'search' });
    const answer = await ask(run.client(key));
    expect(answer.choices[0]?.message.content).toBe('ok');
    const vectors = await run.client(key).embeddings.create({ model: 'fake/small', input: 'hello', encoding_format: 'float' });
    expect(vectors.data[0]?.embedding).toEqual([0.1, 0.2]);
    const spend = await run.admin(`/admin/spend?group_by=key&key_id=${id}`);
    expect(spend.status).toBe(200);
    const row = spend.body.data.find((r: { group: string }) => r.group === id);
    // 100 in + 50 out on $1/$10 per M, plus 7 embedding tokens at $1 per M.
    expect(row.cost_usd).toBeCloseTo(100e-6 + 50e-5 + 7e-6, 9);
    expect(row.count).toBe(2);
  });

  it('401 for a revoked key, at once', async () => {
    const { id, key } = await createKey({ owner: 'bob' });
    await ask(run.client(key));
    const revoked = await run.admin(`/admin/keys/${id}`, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(revoked.body.status).toBe('revoked');
    const refused = await rawChat(`Bearer ${key}`);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/^Revoked API key sk-sy-/);
    expect(refused.body.error.message).not.toContain(key);
  });

  it('401 for an expired key', async () => {
    const { key } = await createKey({ owner: 'carol', expires_at: Math.floor(Date.now() / 1000) + 3600 });
    expect((await rawChat(`Bearer ${key}`)).status).toBe(200);
    skewMs = 2 * 3600_000;
    try {
      const refused = await rawChat(`Bearer ${key}`);
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toMatch(/^Expired API key/);
    } finally {
      skewMs = 0;
    }
  });

  it('403 for a model the key may not use; a policy only routes among its allowed deployments', async () => {
    const { key } = await createKey({ owner: 'dave', allowed_models: ['fake/small'] });
    const forbidden = await rawChat(`Bearer ${key}`, 'fake/large');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatchObject({ type: 'permission_error', code: 'forbidden' });
    const { data, response } = await run
      .client(key)
      .chat.completions.create({ model: 'router/best', messages: [{ role: 'user', content: PROMPT }] })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('ok');
    expect(response.headers.get('x-switchyard-deployment')).toBe('fake/small');
  });

  it('429 past a key rate limit', async () => {
    const { key } = await createKey({ owner: 'erin', rate_limits: { rpm: 2 } });
    const client = run.client(key);
    await ask(client);
    await ask(client);
    await expect(ask(client)).rejects.toMatchObject({ status: 429, code: 'rate_limited' });
  });

  it('429 budget_exceeded naming the key budget', async () => {
    const { id, key } = await createKey({ owner: 'frank' });
    const set = await run.admin('/admin/budgets', { method: 'PUT', body: { scope: 'key', scope_id: id, period: 'day', limit_usd: 0.005 } });
    expect(set.status).toBe(200);
    const refused = await rawChat(`Bearer ${key}`);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('budget_exceeded');
    expect(refused.body.error.message).toContain(`key ${id} daily budget`);
    const streamed = run.client(key).chat.completions.create({ model: 'fake/small', messages: [{ role: 'user', content: PROMPT }], stream: true });
    await expect(streamed).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' });
  });
});

describe('the admin API', () => {
  it('401 without the admin key or with a wrong one; lists keys without secrets', async () => {
    expect((await run.admin('/admin/keys', { key: null })).status).toBe(401);
    const wrong = await run.admin('/admin/keys', { key: keysUsed[0] ?? 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.type).toBe('authentication_error');
    const listed = await run.admin('/admin/keys?include_revoked=true');
    expect(listed.status).toBe(200);
    expect(listed.body.data.length).toBeGreaterThanOrEqual(5);
    const text = JSON.stringify(listed.body);
    for (const key of keysUsed) expect(text).not.toContain(key);
    expect(text).not.toContain('hash');
  });

  it('refuses every admin call when keys are required and no admin key is set', async () => {
    const open = await startAccountedGateway(accountedConfig(upstream.url, { accounting: { store: 'memory' } }), { adminKey: null });
    try {
      const refused = await open.admin('/admin/keys', { method: 'POST', body: { owner: 'mallory' }, key: null });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toMatch(/SWITCHYARD_ADMIN_KEY/);
    } finally {
      await open.close();
    }
  });
});

describe('logs', () => {
  it('carry no key and no prompt text', () => {
    const text = run.logText();
    expect(text.length).toBeGreaterThan(0);
    expect(keysUsed.length).toBeGreaterThanOrEqual(6);
    for (const secret of [...keysUsed, ADMIN_KEY, UPSTREAM_KEY]) expect(text).not.toContain(secret);
    expect(text).not.toContain('PROMPT-CANARY');
    expect(text).not.toContain('8675309');
  });
});
