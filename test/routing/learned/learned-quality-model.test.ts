import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/routing/decide.js';
import { BUILT_IN_POLICIES } from '../../../src/routing/built-in-policies.js';
import { defaultLearnedQualityModel } from '../../../src/routing/learned/default-learned-quality-model.js';
import { learnedQualityEstimator } from '../../../src/routing/learned/learned-quality-estimator.js';
import { LearnedQualityModel, sigmoid } from '../../../src/routing/learned/learned-quality-model.js';
import { trainQualityModel } from '../../../src/routing/learned/train-quality-model.js';
import type { ModelProfile } from '../../../src/spec/index.js';
import { syntheticRoutingData } from '../../eval/synthetic-routing-data.js';

const examples = syntheticRoutingData(120);
const weights = trainQualityModel(examples, { epochs: 120, taskTypes: { qa: 'knowledge', code: 'coding' } });
const model = new LearnedQualityModel(weights);

describe('LearnedQualityModel', () => {
  it('predicts lower quality for the small model on hard prompts than on easy ones', () => {
    const easy = model.assess(examples.find((e) => e.prompt.length < 100 && e.task === 'qa')?.prompt ?? '', 'qa');
    const hard = model.assess(examples.find((e) => e.prompt.length > 150 && e.task === 'qa')?.prompt ?? '', 'qa');
    expect(hard.difficulty).toBeGreaterThan(easy.difficulty);
    const smallEasy = model.predict(easy, 'small')?.quality ?? 0;
    const smallHard = model.predict(hard, 'small')?.quality ?? 1;
    expect(smallEasy - smallHard).toBeGreaterThan(0.3);
    expect(model.predict(hard, 'large')?.quality ?? 0).toBeGreaterThan(smallHard + 0.3);
  });

  it('gives a model it never saw a prediction from its declared quality, on the learned scale', () => {
    const prompts = examples.filter((e) => e.task === 'qa');
    const assessments = prompts.map((e) => model.assess(e.prompt, 'qa'));
    expect(model.predict(assessments[0]!, 'brand-new-model')).toBeUndefined();
    const average = (declared: number): number =>
      assessments.reduce((s, a) => s + (model.predict(a, 'brand-new-model', declared)?.quality ?? 0), 0) / assessments.length;
    // Placed so that its average over the task's prompts is what was declared...
    expect(average(0.8)).toBeCloseTo(0.8, 1);
    expect(average(0.6)).toBeCloseTo(0.6, 1);
    // ...yet prompt by prompt it follows difficulty like the trained models do.
    const easy = assessments.reduce((a, b) => (b.difficulty < a.difficulty ? b : a));
    const hard = assessments.reduce((a, b) => (b.difficulty > a.difficulty ? b : a));
    const onEasy = model.predict(easy, 'brand-new-model', 0.7);
    const onHard = model.predict(hard, 'brand-new-model', 0.7);
    expect(onEasy?.basis).toBe('declared');
    expect((onEasy?.quality ?? 0) - (onHard?.quality ?? 1)).toBeGreaterThan(0.1);
  });

  it('rejects weights whose shapes do not match', () => {
    expect(() => new LearnedQualityModel({ ...weights, featureMean: [1, 2] })).toThrow(/featureMean/);
  });

  it('survives a JSON round trip unchanged', () => {
    const copy = new LearnedQualityModel(JSON.parse(JSON.stringify(weights)));
    const a = copy.assess(examples[3]!.prompt, examples[3]!.task);
    const b = model.assess(examples[3]!.prompt, examples[3]!.task);
    expect(copy.predict(a, 'medium')?.quality).toBeCloseTo(model.predict(b, 'medium')?.quality ?? -1, 10);
  });

  it('sigmoid is symmetric and saturates without overflow', () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(3) + sigmoid(-3)).toBeCloseTo(1, 12);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(1000)).toBe(1);
  });
});

describe('learnedQualityEstimator in decide()', () => {
  const profile = (id: string, quality: number, price: number): ModelProfile => ({
    id,
    provider: 'simulated',
    model: id,
    pricing: { inputPerMTok: price, outputPerMTok: price, cachedInputPerMTok: price },
    contextWindow: 100_000,
    maxOutputTokens: 4_096,
    capabilities: { tools: true, vision: false, json: true, streaming: true, embeddings: false },
    quality: { default: quality },
    latency: { ttftMs: 300, outputTokensPerSecond: 80 },
    limits: {},
    source: { pricing: 'config', quality: 'config' },
    simulated: true,
  });

  it('explains the predicted quality of known and unknown candidates', () => {
    const hardPrompt = examples.find((e) => e.prompt.length > 150)?.prompt ?? '';
    const decision = decide({
      request: { model: 'auto', messages: [{ role: 'user', content: hardPrompt }], routing: { task: 'knowledge' } },
      candidates: [profile('small', 0.7, 0.1), profile('large', 0.9, 10), profile('newcomer', 0.85, 1)],
      stats: new Map(),
      policy: BUILT_IN_POLICIES.best,
      requested: 'auto',
      deps: { quality: learnedQualityEstimator(model, hardPrompt) },
    });
    const byId = new Map(decision.candidates.map((c) => [c.deploymentId, c]));
    expect(byId.get('large')?.expectedQuality ?? 0).toBeGreaterThan(byId.get('small')?.expectedQuality ?? 1);
    expect(byId.get('small')?.reasons.join(' ')).toMatch(/learned model \(qa scale/);
    expect(byId.get('newcomer')?.reasons.join(' ')).toMatch(/declared quality 0\.85 mapped/);
    expect(decision.candidates[0]?.deploymentId).not.toBe('small');
  });

  it('ships weights that load and know the models they were trained on', () => {
    const shipped = defaultLearnedQualityModel();
    expect(shipped.modelNames.length).toBeGreaterThan(1);
    const assessment = shipped.assess('Write a function to reverse a linked list in place.', shipped.taskForType('coding'));
    for (const name of shipped.modelNames) {
      const q = shipped.predict(assessment, name)?.quality ?? -1;
      expect(q).toBeGreaterThanOrEqual(0);
      expect(q).toBeLessThanOrEqual(1);
    }
  });
});
