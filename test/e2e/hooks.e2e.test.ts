import { afterAll, beforeAll, expect, it } from 'vitest';
import OpenAI from 'openai';
import { GatewayError } from '../../src/errors/gateway-error.js';
import type { Exchange } from '../../src/server/exchange.js';
import { QUIET_SIMULATED, startTestGateway, type TestGateway } from './start-test-gateway.js';

let t: TestGateway;
const finished: Array<Pick<Exchange, 'status' | 'deploymentId' | 'decisionId' | 'costUsd' | 'errorCode' | 'path'>> = [];

beforeAll(async () => {
  t = await startTestGateway(
    // Only sim/mini, so that `auto` has one deployment to pick whatever the router prefers for "hi".
    { autoDetectProviders: false, simulated: 'off', deployments: [{ id: 'sim/mini', provider: 'simulated', model: 'gpt-4o-mini', settings: QUIET_SIMULATED }] },
    {
      hooks: {
        onRequest: [
          (exchange) => {
            if (exchange.req.headers.authorization !== 'Bearer test-key') throw new GatewayError('unauthorized', 'Unknown API key.');
            exchange.context.principal = { keyId: 'key_1' };
          },
        ],
        onResponse: [
          (exchange) => {
            const { status, deploymentId, decisionId, costUsd, errorCode, path } = exchange;
            finished.push({ status, deploymentId, decisionId, costUsd, errorCode, path });
          },
        ],
      },
    },
  );
});
afterAll(async () => t.close());

it('lets an onRequest hook refuse a request in OpenAI shape', async () => {
  const stranger = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
  const error = await stranger.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
  expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('unauthorized');
  await expect.poll(() => finished.at(-1)?.status).toBe(401);
});

it('tells onResponse hooks what was served and what it cost', async () => {
  await t.client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] });
  await expect.poll(() => finished.at(-1)?.deploymentId).toBe('sim/mini');
  const last = finished.at(-1);
  expect(last).toMatchObject({ status: 200, path: '/v1/chat/completions' });
  expect(last?.costUsd).toBeGreaterThan(0);
  expect(last?.decisionId).toBeTruthy();
});

it('does the same for streams', async () => {
  const stream = await t.client.chat.completions.create({ model: 'auto', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  for await (const chunk of stream) void chunk;
  await expect.poll(() => finished.at(-1)?.costUsd).toBeGreaterThan(0);
  expect(finished.at(-1)).toMatchObject({ status: 200, deploymentId: 'sim/mini' });
});
