import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamPools } from '../../http/upstream-pools.js';
import { startFakeUpstream, type FakeUpstream } from '../../../test/support/fake-upstream.js';
import { anthropicProvider } from './anthropic-provider.js';

describe('anthropic adapter: Message Batches results', () => {
  let upstream: FakeUpstream;
  let pools: UpstreamPools;
  beforeAll(async () => {
    upstream = await startFakeUpstream((request) => {
      if (request.path === '/v1/messages/batches/msgbatch_1') return { kind: 'json', body: { id: 'msgbatch_1', processing_status: 'ended', results_url: `${upstream.url}/v1/messages/batches/msgbatch_1/results` } };
      const lines = [
        { custom_id: 'l0', result: { type: 'succeeded', message: { id: 'm', model: 'claude', content: [{ type: 'tool_use', id: 't', name: 'json', input: { city: 'Paris' } }], stop_reason: 'tool_use', usage: { input_tokens: 7, output_tokens: 3 } } } },
        { custom_id: 'l1', result: { type: 'errored', error: { type: 'error', error: { type: 'overloaded_error', message: 'busy' } } } },
        { custom_id: 'l2', result: { type: 'expired' } },
        { custom_id: 'l3', result: { type: 'canceled' } },
      ];
      return { kind: 'text', body: lines.map((line) => JSON.stringify(line)).join('\n') };
    });
    pools = new UpstreamPools();
  });
  afterAll(async () => {
    await pools.close();
    await upstream.close();
  });

  it('maps each result type, and reads a JSON-tool answer as text without the original request', async () => {
    const model = anthropicProvider.create({ deploymentId: 'a/claude', model: 'claude', baseUrl: `${upstream.url}/v1`, apiKey: 'k', pools });
    const progress = await model.batch!.poll('msgbatch_1', {});
    expect(progress.state).toBe('ended');
    const results = progress.state === 'ended' ? progress.results : [];
    expect(results[0]).toMatchObject({ customId: 'l0', ok: true, response: { choices: [{ message: { content: '{"city":"Paris"}' }, finishReason: 'stop' }], usage: { inputTokens: 7, outputTokens: 3 } } });
    expect(results.slice(1).map((r) => [r.customId, r.ok ? 'ok' : r.error.code])).toEqual([
      ['l1', 'overloaded'],
      ['l2', 'total_timeout'],
      ['l3', 'client_closed'],
    ]);
    expect(model.batch!.priceFactor).toBe(0.5);
  });
});
