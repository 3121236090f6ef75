import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamPools } from '../../http/upstream-pools.js';
import { startFakeUpstream, type FakeUpstream } from '../../../test/support/fake-upstream.js';
import { geminiProvider } from './gemini-provider.js';

const answer = { candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] }, finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 1 } };

describe('gemini adapter: batch mode', () => {
  let upstream: FakeUpstream;
  let pools: UpstreamPools;
  beforeAll(async () => {
    upstream = await startFakeUpstream((request) => {
      if (request.headers['x-goog-api-key'] !== 'g-key' || request.path.includes('g-key')) return { kind: 'json', status: 403, body: { error: { code: 403, message: 'no key', status: 'PERMISSION_DENIED' } } };
      switch (request.path) {
        case '/v1beta/models/gemini-2.5-flash:batchGenerateContent':
          return { kind: 'json', body: { name: 'batches/new1', metadata: { state: 'BATCH_STATE_PENDING' } } };
        case '/v1beta/batches/done':
          return {
            kind: 'json',
            body: {
              name: 'batches/done',
              done: true,
              metadata: { state: 'BATCH_STATE_SUCCEEDED' },
              response: {
                inlinedResponses: {
                  inlinedResponses: [
                    { response: answer, metadata: { key: 'l0' } },
                    { error: { code: 8, message: 'quota' }, metadata: { key: 'l1' } },
                    { error: { code: 3, message: 'bad field' }, metadata: { key: 'l2' } },
                    { response: { promptFeedback: { blockReason: 'SAFETY' } }, metadata: { key: 'l3' } },
                    { error: { code: 14, message: 'try later' }, metadata: { key: 'l4' } },
                  ],
                },
              },
            },
          };
        case '/v1beta/batches/expired':
          return { kind: 'json', body: { name: 'batches/expired', metadata: { state: 'JOB_STATE_EXPIRED' } } };
        case '/v1beta/batches/running':
          return { kind: 'json', body: { name: 'batches/running', metadata: { state: 'JOB_STATE_RUNNING' }, done: false } };
        case '/v1beta/batches?pageSize=100':
          return { kind: 'json', body: { operations: [{ name: 'batches/other', metadata: { displayName: 'someone-else' } }], nextPageToken: 'p2' } };
        case '/v1beta/batches?pageSize=100&pageToken=p2':
          return { kind: 'json', body: { operations: [{ name: 'batches/mine', metadata: { displayName: 'batch_x-n0' } }] } };
        default:
          return { kind: 'json', status: 404, body: { error: { code: 404, message: `no route ${request.path}`, status: 'NOT_FOUND' } } };
      }
    });
    pools = new UpstreamPools();
  });
  afterAll(async () => {
    await pools.close();
    await upstream.close();
  });

  const model = () => geminiProvider.create({ deploymentId: 'g/flash', model: 'gemini-2.5-flash', baseUrl: `${upstream.url}/v1beta`, apiKey: 'g-key', pools });

  it('submits inline requests keyed by custom id under the label, and answers with the operation name', async () => {
    const id = await model().batch!.submit([{ customId: 'l0', request: { model: 'x', messages: [{ role: 'user', content: 'hello' }] } }], {}, 'batch_x-n0');
    expect(id).toBe('batches/new1');
    const sent = upstream.requests.at(-1)?.json as { batch: { display_name: string; input_config: { requests: { requests: Array<{ request: { contents: unknown[] }; metadata: { key: string } }> } } } };
    expect(sent.batch.display_name).toBe('batch_x-n0');
    expect(sent.batch.input_config.requests.requests).toEqual([{ request: expect.objectContaining({ contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }), metadata: { key: 'l0' } }]);
  });

  it('maps each inlined response through the response mapper and each error by its google.rpc code', async () => {
    const progress = await model().batch!.poll('batches/done', {});
    expect(progress.state).toBe('ended');
    const results = progress.state === 'ended' ? progress.results : [];
    expect(results[0]).toMatchObject({ customId: 'l0', ok: true, response: { choices: [{ message: { content: 'hi' }, finishReason: 'stop' }], usage: { inputTokens: 4, outputTokens: 1 } } });
    expect(results.slice(1).map((r) => [r.customId, r.ok ? 'ok' : r.error.code])).toEqual([
      ['l1', 'rate_limited'],
      ['l2', 'upstream_invalid_request'],
      ['l3', 'content_filtered'],
      ['l4', 'overloaded'],
    ]);
    expect(model().batch!.priceFactor).toBe(0.5);
  });

  it('reads both state vocabularies: running is pending, expired ends with every request timed out', async () => {
    expect(await model().batch!.poll('batches/running', {})).toEqual({ state: 'pending' });
    expect(await model().batch!.poll('batches/expired', {})).toMatchObject({ state: 'ended', results: [], error: { code: 'total_timeout' } });
  });

  it('finds a batch by its label across pages of the batch list', async () => {
    expect(await model().batch!.find!('batch_x-n0', {})).toBe('batches/mine');
    expect(await model().batch!.find!('never-sent', {})).toBeUndefined();
  });
});
