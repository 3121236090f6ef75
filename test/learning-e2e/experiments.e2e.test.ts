import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { answerByModel, ask, fakeDeployment, startLearningGateway, type LearningGateway } from './start-learning-gateway.js';

const PROMPT = 'Summarize the main points of the quarterly report in three bullet points.';

interface ArmReport {
  arm: string;
  requests: number;
  promoted: boolean;
  stopped: boolean;
  feedback: { n: number; mean: number | null; interval: [number, number] | null };
  costUsd: { mean: number | null };
  errorRate: { mean: number | null };
}
interface Comparison {
  arm: string;
  control: string;
  difference: number;
  pValue: number;
  significant: boolean;
}

describe('A/B experiments', () => {
  let upstream: FakeUpstream;
  let gw: LearningGateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream(answerByModel);
    gw = await startLearningGateway({
      providers: { fake: { type: 'openai-compatible', baseUrl: `${upstream.url}/v1`, apiKey: 'upstream-key' } },
      deployments: [
        fakeDeployment('fake/current', 'current-model', { quality: 0.8, inputPerMTok: 1, outputPerMTok: 2 }),
        fakeDeployment('fake/contender', 'contender-model', { quality: 0.8, inputPerMTok: 0.2, outputPerMTok: 0.4 }),
      ],
      policies: { careful: { weights: { quality: 1, cost: 0, latency: 0, reliability: 0 }, quality: 'learned' } },
      experiments: {
        'new-model': {
          arms: [
            { name: 'current', deployment: 'fake/current' },
            { name: 'contender', deployment: 'fake/contender' },
          ],
          sticky: 'user',
          alias: 'writer',
        },
        rollout: {
          arms: [
            { name: 'stay', deployment: 'fake/current' },
            { name: 'learned', policy: 'careful' },
          ],
          shares: [1, 1],
          sticky: 'user',
        },
      },
      learning: { store: 'memory', estimate: 'mean', explorationFloor: 0 },
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

  it('splits callers stickily and reports a significant difference between arms built to differ', async () => {
    const armOf = new Map<string, string>();
    for (let i = 0; i < 40; i += 1) {
      const user = `user-${i}`;
      const { decisionId, deployment } = await ask(gw.client, 'experiment/new-model', PROMPT, user);
      armOf.set(user, deployment);
      await settled(decisionId);
      // The contender's answers are scored lower, with some spread on both sides.
      const spread = ((i % 5) - 2) * 0.05;
      const score = deployment === 'fake/current' ? 0.8 + spread : 0.4 + spread;
      expect((await gw.post('/v1/feedback', { decision_id: decisionId, score })).status).toBe(200);
    }
    const counts = [...armOf.values()].reduce<Record<string, number>>((acc, d) => ({ ...acc, [d]: (acc[d] ?? 0) + 1 }), {});
    expect(counts['fake/current']).toBeGreaterThan(5);
    expect(counts['fake/contender']).toBeGreaterThan(5);

    // Sticky: a caller asked again lands on the same arm, also through the experiment's alias.
    for (const user of ['user-3', 'user-17', 'user-29']) {
      expect((await ask(gw.client, 'experiment/new-model', PROMPT, user)).deployment).toBe(armOf.get(user));
      expect((await ask(gw.client, 'writer', PROMPT, user)).deployment).toBe(armOf.get(user));
    }

    const report = await gw.get('/admin/experiments/new-model');
    expect(report.status).toBe(200);
    const arms = report.body.arms as ArmReport[];
    const current = arms.find((a) => a.arm === 'current');
    const contender = arms.find((a) => a.arm === 'contender');
    expect(current?.feedback.n).toBe(counts['fake/current']);
    expect(contender?.feedback.n).toBe(counts['fake/contender']);
    expect((current?.requests ?? 0) + (contender?.requests ?? 0)).toBe(46);
    expect(current?.feedback.mean).toBeCloseTo(0.8, 1);
    expect(contender?.feedback.mean).toBeCloseTo(0.4, 1);
    expect(current?.errorRate.mean).toBe(0);
    expect(contender?.costUsd.mean).toBeLessThan(current?.costUsd.mean ?? 0);
    const feedback = (report.body.comparisons as Record<string, Comparison[]>).feedback?.[0];
    expect(feedback).toMatchObject({ arm: 'contender', control: 'current', significant: true });
    expect(feedback?.difference).toBeCloseTo(-0.4, 1);
    expect(feedback?.pValue).toBeLessThan(0.001);
    expect(report.body.significant).toBe(true);

    // The arm is recorded in the audit log.
    const audit = await gw.get('/admin/decisions?limit=1');
    expect((audit.body.data as Array<{ experiment?: unknown }>)[0]?.experiment).toMatchObject({ id: 'new-model' });
  });

  it('routes a policy arm with the learned quality model and explains each candidate', async () => {
    let learned: string | undefined;
    for (let i = 0; i < 40 && learned === undefined; i += 1) {
      const { decisionId } = await ask(gw.client, 'experiment/rollout', PROMPT, `caller-${i}`);
      await settled(decisionId);
      const record = await gw.telemetry.decisions.get(decisionId);
      if (record?.experiment?.arm === 'learned') learned = decisionId;
    }
    expect(learned).toBeDefined();
    const record = await gw.telemetry.decisions.get(learned as string);
    expect(record?.policy).toBe('careful');
    expect(record?.candidates).toHaveLength(2);
    for (const candidate of record?.candidates ?? []) expect(candidate.reasons.join(' ')).toMatch(/learned model \(|mapped to ability [-\d.]+ on the learned .+ scale/);
  });

  it('promotes and stops arms without a restart', async () => {
    const promoted = await gw.post('/admin/experiments/new-model/promote', { arm: 'contender' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ promoted: 'contender' });
    for (let i = 0; i < 8; i += 1) expect((await ask(gw.client, 'experiment/new-model', PROMPT, `later-${i}`)).deployment).toBe('fake/contender');
    const report = await gw.get('/admin/experiments/new-model');
    expect((report.body.arms as ArmReport[]).find((a) => a.arm === 'contender')?.promoted).toBe(true);

    // Stopping the promoted arm ends the promotion: everyone goes to the arm still running.
    expect((await gw.post('/admin/experiments/new-model/stop', { arm: 'contender' })).status).toBe(200);
    for (let i = 0; i < 8; i += 1) expect((await ask(gw.client, 'experiment/new-model', PROMPT, `later-${i}`)).deployment).toBe('fake/current');
    const after = await gw.get('/admin/experiments/new-model');
    expect(after.body.promoted).toBeNull();
    expect((after.body.arms as ArmReport[]).find((a) => a.arm === 'contender')?.stopped).toBe(true);

    expect((await gw.post('/admin/experiments/new-model/stop', { arm: 'current' })).status).toBe(200);
    await expect(ask(gw.client, 'experiment/new-model', PROMPT, 'anyone')).rejects.toMatchObject({ status: 400, code: 'no_candidate' });
  });

  it('refuses unknown experiments and arms', async () => {
    expect((await gw.get('/admin/experiments/nope')).status).toBe(404);
    const badArm = await gw.post('/admin/experiments/rollout/promote', { arm: 'nope' });
    expect(badArm.status).toBe(400);
    expect(badArm.body).toMatchObject({ error: { param: 'arm' } });
    const noArm = await gw.post('/admin/experiments/rollout/stop', {});
    expect(noArm.status).toBe(400);
    expect(noArm.body).toMatchObject({ error: { param: 'arm' } });
    await expect(ask(gw.client, 'experiment/nope', PROMPT)).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    const list = await gw.get('/admin/experiments');
    expect((list.body.data as Array<{ id: string }>).map((e) => e.id)).toEqual(['new-model', 'rollout']);
  });
});
