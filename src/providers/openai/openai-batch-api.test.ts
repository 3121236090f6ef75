import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamPools } from '../../http/upstream-pools.js';
import { startFakeUpstream, type FakeUpstream } from '../../../test/support/fake-upstream.js';
import { OPENAI_COMPATIBLE_PROVIDERS, openaiProvider } from './index.js';

describe('OpenAI Batch API adapter', () => {
  let upstream: FakeUpstream;
  let pools: UpstreamPools;
  beforeAll(async () => {
    upstream = await startFakeUpstream((request) => {
      switch (request.path) {
        case '/v1/batches/batch_expired':
          return { kind: 'json', body: { id: 'batch_expired', status: 'expired', output_file_id: 'file-out', error_file_id: 'file-err' } };
        case '/v1/batches/batch_refused':
          return { kind: 'json', body: { id: 'batch_refused', status: 'failed', errors: { data: [{ code: 'invalid_json_line', message: 'Line 1 is not valid JSON.' }] } } };
        case '/v1/batches?limit=100':
          return { kind: 'json', body: { object: 'list', data: [{ id: 'batch_3', status: 'in_progress', metadata: { switchyard_group: 'someone-else' } }, { id: 'batch_2', status: 'completed', metadata: null }], has_more: true, last_id: 'batch_2' } };
        case '/v1/batches?limit=100&after=batch_2':
          return { kind: 'json', body: { object: 'list', data: [{ id: 'batch_1', status: 'in_progress', metadata: { switchyard_group: 'batch_y-n1' } }], has_more: false, last_id: 'batch_1' } };
        case '/v1/batches/batch_running':
          return { kind: 'json', body: { id: 'batch_running', status: 'finalizing' } };
        case '/v1/files/file-out/content':
          return { kind: 'text', body: `${JSON.stringify({ custom_id: 'l0', response: { status_code: 200, body: { id: 'c', model: 'gpt-4o-mini', created: 1, choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 4, completion_tokens: 1 } } }, error: null })}\n` };
        case '/v1/files/file-err/content':
          return {
            kind: 'text',
            body: [
              { custom_id: 'l1', response: null, error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' } },
              { custom_id: 'l2', response: { status_code: 429, body: { error: { message: 'slow down', type: 'rate_limit_error' } } }, error: null },
            ].map((line) => JSON.stringify(line)).join('\n'),
          };
        default:
          return { kind: 'json', status: 404, body: { error: { message: 'no route' } } };
      }
    });
    pools = new UpstreamPools();
  });
  afterAll(async () => {
    await pools.close();
    await upstream.close();
  });

  const model = () => openaiProvider.create({ deploymentId: 'o/mini', model: 'gpt-4o-mini', baseUrl: `${upstream.url}/v1`, apiKey: 'sk', pools });

  it('reads the output and error files of an ended batch, requests it never ran included', async () => {
    const progress = await model().batch!.poll('batch_expired', {});
    const results = progress.state === 'ended' ? progress.results : [];
    expect(results.map((r) => [r.customId, r.ok ? r.response.choices[0]?.message.content : r.error.code])).toEqual([
      ['l0', 'hi'],
      ['l1', 'total_timeout'],
      ['l2', 'rate_limited'],
    ]);
  });

  it('says why a batch refused as a whole ended, and that a finalizing one is still pending', async () => {
    expect(await model().batch!.poll('batch_refused', {})).toMatchObject({ state: 'ended', results: [], error: { code: 'upstream_invalid_request', message: expect.stringContaining('Line 1 is not valid JSON.') } });
    expect(await model().batch!.poll('batch_running', {})).toEqual({ state: 'pending' });
  });

  it('finds a batch by the label in its metadata, following the list past its first page', async () => {
    expect(await model().batch!.find!('batch_y-n1', {})).toBe('batch_1');
    expect(await model().batch!.find!('never-sent', {})).toBeUndefined();
  });

  it('is offered by the openai preset only, at half price', () => {
    expect(model().batch?.priceFactor).toBe(0.5);
    const local = OPENAI_COMPATIBLE_PROVIDERS.find((factory) => factory.name === 'vllm')!.create({ deploymentId: 'v/m', model: 'm', baseUrl: upstream.url, pools });
    expect(local.batch).toBeUndefined();
  });
});
