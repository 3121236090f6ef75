import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/load-config.js';
import type { ModelProfile, RequestProfile } from '../../spec/index.js';
import { openGatewayLearning } from './open-gateway-learning.js';
import { GatewayLearning } from './gateway-learning.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function config(document: Record<string, unknown> = {}): ReturnType<typeof parseConfig> {
  return parseConfig({ simulated: 'off', autoDetectProviders: false, ...document }, {});
}

const request = { task: 'chat', difficulty: 0.5 } as RequestProfile;
const profile = (id: string): ModelProfile => ({ id, model: id, quality: { default: 0.8 }, source: { quality: 'config' } }) as unknown as ModelProfile;
const chat = { model: 'auto', messages: [{ role: 'user' as const, content: 'hello there' }] };

describe('GatewayLearning', () => {
  it('replays stored feedback at start, so a restart keeps the learned estimates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-learning-'));
    dirs.push(dir);
    const cfg = config({ dataDir: dir });
    const first = openGatewayLearning(cfg);
    for (let i = 0; i < 6; i += 1) first.recordFeedback({ decisionId: `d${i}`, at: i, task: 'chat', deploymentId: 'a', score: 0, label: 'bad' });
    const before = first.book.estimate('chat', 'a', 0.8);
    first.close();

    const second = openGatewayLearning(cfg);
    const after = second.book.estimate('chat', 'a', 0.8);
    expect(after.mean).toBeCloseTo(before.mean, 10);
    expect(after.observations).toBeCloseTo(before.observations, 10);
    expect(second.feedbackFor('d3')).toEqual([{ decisionId: 'd3', at: 3, task: 'chat', deploymentId: 'a', score: 0, label: 'bad' }]);
    second.close();
  });

  it('routes on feedback for every policy, except on the exploration share of requests', () => {
    const draws = [0.5, 0.01];
    const learning = new GatewayLearning(config({ learning: { store: 'memory', estimate: 'mean', explorationFloor: 0.05 } }), { random: () => draws.shift() ?? 0.5 });
    for (let i = 0; i < 10; i += 1) learning.recordFeedback({ decisionId: `d${i}`, at: i, task: 'chat', deploymentId: 'a', score: 0 });
    const exploiting = learning.routingDeps({}, chat, 'balanced').quality;
    expect(exploiting?.estimate({ profile: profile('a'), request }).quality).toBeLessThan(0.5);
    const exploring = learning.routingDeps({}, chat, 'balanced').quality;
    const prior = exploring?.estimate({ profile: profile('a'), request });
    expect(prior?.quality).toBeCloseTo(0.8, 6);
    expect(prior?.basis).toMatch(/exploration/);
  });

  it('lets a policy set its own exploration share', () => {
    const learning = new GatewayLearning(config({ policies: { bold: { explorationFloor: 1 } }, learning: { store: 'memory', explorationFloor: 0 } }), { random: () => 0.5 });
    expect(learning.routingDeps({}, chat, 'bold').quality?.name).toBe('profile+exploration');
    expect(learning.routingDeps({}, chat, 'balanced').quality?.name).toBe('profile+thompson');
  });

  it('uses the learned model only for policies that ask for it', () => {
    const learning = new GatewayLearning(config({ policies: { smart: { quality: 'learned' } }, learning: { store: 'memory', feedback: false } }));
    expect(learning.routingDeps({}, chat, 'balanced').quality).toBeUndefined();
    expect(learning.routingDeps({}, chat, 'smart').quality?.name).toBe('learned');
  });

  it('keeps promoted and stopped arms across a reload and refuses arms that route nowhere', () => {
    const document = {
      experiments: {
        e: {
          arms: [
            { name: 'x', deployment: 'dep-x' },
            { name: 'y', policy: 'cheapest' },
          ],
        },
      },
      learning: { store: 'memory' },
    };
    const learning = new GatewayLearning(config(document));
    learning.stop('e', 'x');
    learning.configure(config(document));
    expect(learning.experiment('e')?.arms.find((a) => a.name === 'x')?.stopped).toBe(true);
    expect(learning.assign({ ...chat, model: 'experiment/e', user: 'u' }, undefined)).toEqual({ id: 'e', arm: 'y', target: 'router/cheapest' });
    expect(() => learning.checkTargets(config(document), (target) => target !== 'dep-x')).toThrow(/arm x: 'dep-x' names no deployment/);
  });

  it('keeps promoted and stopped arms across a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-learning-'));
    dirs.push(dir);
    const cfg = config({
      dataDir: dir,
      experiments: { e: { arms: [{ name: 'x', deployment: 'dep-x' }, { name: 'y', deployment: 'dep-y' }, { name: 'z', deployment: 'dep-z' }] } },
    });
    const first = openGatewayLearning(cfg);
    first.stop('e', 'x');
    first.promote('e', 'z');
    first.close();
    const second = openGatewayLearning(cfg);
    const experiment = second.experiment('e');
    expect(experiment?.promoted).toBe('z');
    expect(experiment?.arms.map((a) => a.stopped === true)).toEqual([true, false, false]);
    second.close();
  });

  it('rejects experiment config with an arm naming both or neither of policy and deployment', () => {
    expect(() => config({ experiments: { e: { arms: [{ name: 'a', policy: 'p', deployment: 'd' }, { name: 'b', policy: 'q' }] } } })).toThrow();
    expect(() => config({ experiments: { e: { arms: [{ name: 'a', policy: 'p' }, { name: 'b', policy: 'q' }], shares: [1] } } })).toThrow(/shares/);
  });
});
