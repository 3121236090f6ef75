import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { answerByModel, ask, fakeDeployment, startLearningGateway, type LearningGateway } from './start-learning-gateway.js';

const PROMPT = 'Write a short product description for a stainless steel water bottle.';

describe('feedback moves traffic between deployments', () => {
  let upstream: FakeUpstream;
  let gw: LearningGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream(answerByModel);
    gw = await startLearningGateway({
      providers: { fake: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: 'upstream-key' } },
      deployments: [fakeDeployment('fake/good-on-paper', 'paper-model', { quality: 0.8 }), fakeDeployment('fake/good-in-practice', 'practice-model', { quality: 0.7 })],
      policies: { 'quality-first': { weights: { quality: 1, cost: 0, latency: 0, reliability: 0 } } },
      // The mean and no exploration keep the ranking deterministic for the assertion.
      learning: { estimate: 'mean', explorationFloor: 0, store: 'memory' },
    });
  });

  afterAll(async () => {
    await gw.close();
    await upstream.close();
  });

  async function settled(decisionId: string): Promise<void> {
    for (let i = 0; i < 50; i += 1) {
      if ((await gw.telemetry.decisions.get(decisionId)) !== undefined) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`decision ${decisionId} never reached the log`);
  }

  async function route(n: number): Promise<string[]> {
    const picks: string[] = [];
    for (let i = 0; i < n; i += 1) picks.push((await ask(gw.client, 'router/quality-first', PROMPT)).deployment);
    return picks;
  }

  it('ranks by declared quality before any feedback, then follows the scores', async () => {
    const before = await route(5);
    expect(before).toEqual(Array(5).fill('fake/good-on-paper'));

    // Users score what each deployment answers: the one that looked better on paper disappoints.
    for (let i = 0; i < 8; i += 1) {
      for (const [model, score] of [
        ['fake/good-on-paper', 0.1],
        ['fake/good-in-practice', 0.95],
      ] as const) {
        const { decisionId, deployment } = await ask(gw.client, model, PROMPT);
        expect(deployment).toBe(model);
        await settled(decisionId);
        const posted = await gw.post('/v1/feedback', { decision_id: decisionId, score, label: 'e2e' });
        expect(posted.status).toBe(200);
        expect(posted.body).toMatchObject({ object: 'feedback', decision_id: decisionId, deployment: model, score });
      }
    }

    const after = await route(10);
    expect(after).toEqual(Array(10).fill('fake/good-in-practice'));

    // The estimate and the feedback are visible in the audit log.
    const last = await ask(gw.client, 'router/quality-first', PROMPT);
    await settled(last.decisionId);
    const audit = await gw.get(`/admin/decisions?id=${last.decisionId}`);
    const record = (audit.body.data as Array<{ candidates: Array<{ deploymentId: string; reasons: string[] }> }>)[0];
    const demoted = record?.candidates.find((c) => c.deploymentId === 'fake/good-on-paper');
    expect(demoted?.reasons.join(' ')).toMatch(/feedback 0\.\d\d over 8 scores/);
  });

  it('keeps the feedback with the decision in the audit log', async () => {
    const { decisionId } = await ask(gw.client, 'fake/good-in-practice', PROMPT);
    await settled(decisionId);
    expect((await gw.post('/v1/feedback', { decision_id: decisionId, thumbs: 'down', label: 'off-topic' })).status).toBe(200);
    const audit = await gw.get(`/admin/decisions?id=${decisionId}`);
    const record = (audit.body.data as Array<{ feedback?: unknown[] }>)[0];
    expect(record?.feedback).toEqual([{ score: 0, label: 'off-topic', at: expect.any(Number) as number }]);
  });

  it.each([
    [{}, 'decision_id'],
    [{ decision_id: 'x', score: 1.5 }, 'score'],
    [{ decision_id: 'x', score: 'high' }, 'score'],
    [{ decision_id: 'x', thumbs: 'sideways' }, 'thumbs'],
    [{ decision_id: 'x', score: 1, thumbs: 'up' }, 'thumbs'],
    [{ decision_id: 'x' }, 'score'],
    [{ decision_id: 'x', score: 1, extra: true }, 'extra'],
    [{ decision_id: 'x', score: 1, label: '' }, 'label'],
  ])('rejects %j with 400 naming %s', async (body, param) => {
    const response = await gw.post('/v1/feedback', body);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { type: 'invalid_request_error', param } });
  });

  it('answers 400 for a body that is not JSON and 404 for an unknown decision', async () => {
    const broken = await gw.post('/v1/feedback', '{not json');
    expect(broken.status).toBe(400);
    const unknown = await gw.post('/v1/feedback', { decision_id: 'no-such-decision', score: 1 });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: { param: 'decision_id' } });
  });
});
