import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerEstimateCommand, type EstimateReport } from '../../src/cli/commands/estimate-command.js';
import { registerModelsCommand } from '../../src/cli/commands/models-command.js';
import { registerRouteCommand } from '../../src/cli/commands/route-command.js';
import type { Decision } from '../../src/spec/decision.js';
import type { LedgerEntry } from '../../src/state/ledger-entry.js';
import { SqliteStore } from '../../src/state/sqlite-store.js';
import type { ModelProfile } from '../../src/spec/model-profile.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
/** Only the built-in simulated models, whatever keys the environment has. */
const configPath = join(dir, 'switchyard.yaml');
const longDocument = join(dir, 'report.txt');
const SIMULATED = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet', 'claude-haiku', 'gemini-flash', 'llama-3-8b'].map((name) => `simulated/${name}`);

beforeAll(() => {
  writeFileSync(configPath, 'simulated: on\nautoDetectProviders: false\n');
  const paragraph = 'Revenue in the northern region grew while churn in the enterprise segment rose after the price change. ';
  writeFileSync(longDocument, paragraph.repeat(1200));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs one `switchyard …` command line in process and returns what it printed. */
async function cli(...args: string[]): Promise<string> {
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void printed.push(parts.join(' ')));
  try {
    const program = new Command().exitOverride();
    for (const register of [registerRouteCommand, registerModelsCommand, registerEstimateCommand]) register(program);
    await program.parseAsync(['node', 'switchyard', ...args, '--config', configPath]);
  } finally {
    spy.mockRestore();
  }
  return printed.join('\n');
}

/** The deployment in the first row of the decision table. */
function firstPick(output: string): string | undefined {
  return /^1\s+(\S+)\s+\d/m.exec(output)?.[1];
}

describe('switchyard route', () => {
  const coding = 'Write a TypeScript class implementing an LRU cache with a TTL per entry. It must evict the least recently used entry when full, expire entries lazily on get, and include unit tests for the edge cases.';

  it('sends a coding prompt, a long document and a greeting to three different deployments under balanced, and says why', async () => {
    const codingOut = await cli('route', coding, '--policy', 'balanced');
    const longOut = await cli('route', 'Summarize the following quarterly report in five bullet points for the board.', '--file', longDocument, '--policy', 'balanced');
    const greetingOut = await cli('route', 'hi there!', '--policy', 'balanced');
    const picks = [codingOut, longOut, greetingOut].map(firstPick);
    expect(new Set(picks).size).toBe(3);
    expect(picks).toEqual(['simulated/claude-sonnet', 'simulated/gemini-flash', 'simulated/llama-3-8b']);

    for (const out of [codingOut, longOut, greetingOut]) {
      expect(out).not.toContain('\u001b[');
      expect(out).toMatch(/^RANK\s+DEPLOYMENT\s+SCORE\s+COST\s+LATENCY\s+QUALITY\s+RELIABILITY\s+EST\. COST\s+EST\. LATENCY\s+EXP\. QUALITY$/m);
      expect(out).toMatch(/ranks first/);
    }
    expect(codingOut).toMatch(/Request: task coding \(classifier, confidence 0\.\d\d\), difficulty 0\.\d\d, \d+ input tokens/);
    // The long document: the 8k model is excluded for its window, and that is shown.
    expect(longOut).toMatch(/Excluded:\nDEPLOYMENT\s+REASON\s+DETAIL\nsimulated\/llama-3-8b\s+context_window/);
    expect(longOut).toMatch(/task summarization/);
    expect(greetingOut).toMatch(/counts as adequate/);
  });

  it('prints the decision as JSON and applies priorities, task and max tokens', async () => {
    const decision = JSON.parse(await cli('route', coding, '--priority', 'cost=1', '--task', 'coding', '--max-tokens', '500', '--json')) as Decision;
    expect(decision.profile).toMatchObject({ task: 'coding', taskSource: 'caller', expectedOutputTokens: 500, maxOutputTokens: 500 });
    expect(decision.candidates[0]?.parts.weights.quality).toBe(0);
    expect(decision.reasons.join('\n')).toMatch(/priorities applied/);
    // Without priorities the same request goes to the best coder; asking for cost moves it.
    expect(decision.candidates[0]?.deploymentId).not.toBe('simulated/claude-sonnet');
  });

  it('refuses a malformed priority list and an unknown policy', async () => {
    await expect(cli('route', 'hi', '--priority', 'speed=2')).rejects.toThrow(/--priority/);
    await expect(cli('route', 'hi', '--policy', 'nope')).rejects.toThrow(/--policy names no policy: 'nope'\. Known: auto, balanced/);
    expect(await cli('route', 'hi', '--policy', 'router/cheapest')).toMatch(/under policy cheapest/);
  });
});

describe('switchyard models', () => {
  it('lists the six simulated deployments, marked simulated, with prices and windows', async () => {
    const out = await cli('models');
    expect(out.split('\n')[0]).toMatch(/^DEPLOYMENT\s+PROVIDER\s+KIND\s+IN \$\/1M\s+OUT \$\/1M\s+CACHED \$\/1M\s+CONTEXT\s+MAX OUT\s+CAPABILITIES\s+QUALITY\s+SOURCE$/);
    for (const id of SIMULATED) expect(out).toMatch(new RegExp(`^${id}\\s+simulated\\s+simulated\\s`, 'm'));
    expect(out).toMatch(/^simulated\/gpt-4o-mini\s+simulated\s+simulated\s+0\.15\s+0\.60\s+0\.075\s+128k\s+16k\s/m);
    expect(out).toMatch(/^simulated\/llama-3-8b\s+.*\s8k\s+4k\s/m);
    expect(out).toMatch(/6 deployments: 0 live, 6 simulated\./);
    const profiles = JSON.parse(await cli('models', '--json')) as ModelProfile[];
    expect(profiles.map((p) => p.id).sort()).toEqual([...SIMULATED].sort());
    expect(profiles.every((p) => p.simulated)).toBe(true);
  });
});

describe('switchyard estimate', () => {
  it('prices the traffic per deployment as requests x 30 x (in x price_in + out x price_out) / 1e6', async () => {
    const profiles = JSON.parse(await cli('models', '--json')) as ModelProfile[];
    const report = JSON.parse(await cli('estimate', '--requests-per-day', '2000', '--input-tokens', '1200', '--output-tokens', '300', '--json')) as EstimateReport;
    expect(report.days).toBe(30);
    expect(report.deployments).toHaveLength(6);
    for (const profile of profiles) {
      const expected = (2000 * 30 * (1200 * profile.pricing.inputPerMTok + 300 * profile.pricing.outputPerMTok)) / 1e6;
      const row = report.deployments.find((d) => d.deploymentId === profile.id);
      expect(row?.monthlyUsd).toBeCloseTo(expected, 6);
    }
    // gpt-4o-mini by hand: 2000 x 30 x (1200 x 0.15 + 300 x 0.60) / 1e6 = $21.60.
    expect(report.deployments.find((d) => d.deploymentId === 'simulated/gpt-4o-mini')?.monthlyUsd).toBeCloseTo(21.6, 6);
    const chosen = report.policy.deploymentId;
    expect(SIMULATED).toContain(chosen);
    expect(report.policy.monthlyUsd).toBe(report.deployments.find((d) => d.deploymentId === chosen)?.monthlyUsd);

    const table = await cli('estimate', '--requests-per-day', '2000', '--input-tokens', '1200', '--output-tokens', '300', '--policy', 'cheapest');
    expect(table).toMatch(/^simulated\/gpt-4o-mini\s+simulated\s+\$0\.000360\s+\$0\.720\s+\$21\.60\s/m);
    expect(table).toMatch(/Under policy cheapest: \$\d+\.\d+ per month\./);
    expect(table).toMatch(/representative chat request/);
  });

  it('marks deployments whose window the request does not fit', async () => {
    const report = JSON.parse(await cli('estimate', '--requests-per-day', '10', '--input-tokens', '20000', '--output-tokens', '500', '--json')) as EstimateReport;
    expect(report.deployments.find((d) => d.deploymentId === 'simulated/llama-3-8b')?.excluded).toMatch(/^context_window/);
    expect(report.policy.deploymentId).not.toBe('simulated/llama-3-8b');
  });

  it('asks for the token counts unless a ledger gives them', async () => {
    await expect(cli('estimate', '--requests-per-day', '10')).rejects.toThrow(/--input-tokens is required/);
    await expect(cli('estimate', '--from-ledger', '--data-dir', join(dir, 'nowhere'))).rejects.toThrow(/no ledger/);
  });

  it('takes tokens per request, the request rate and the deployment mix from a ledger', async () => {
    const dataDir = join(dir, 'data');
    const store = await SqliteStore.open({ dataDir });
    const day = Date.UTC(2026, 10, 24, 12);
    const entry = (id: string, kind: LedgerEntry['kind'], deploymentId: string, inputTokens: number, outputTokens: number, startedAt: number): LedgerEntry => ({
      id, kind, requestId: id.replace(/-a\d$/, ''), deploymentId, inputTokens, outputTokens, cachedInputTokens: 0, costUsd: 0.001, latencyMs: 100, outcome: 'ok', cacheHit: false, streamed: false, startedAt, endedAt: startedAt + 100,
    });
    // Three requests over two days: 1,000 / 2,000 / 3,000 in, 100 / 200 / 300 out; three attempts, two on mini.
    await store.ledger.appendEntries([
      entry('r1', 'request', 'simulated/gpt-4o-mini', 1000, 100, day),
      entry('r1-a0', 'attempt', 'simulated/gpt-4o-mini', 1000, 100, day),
      entry('r2', 'request', 'simulated/gpt-4o-mini', 2000, 200, day + 1000),
      entry('r2-a0', 'attempt', 'simulated/gpt-4o-mini', 2000, 200, day + 1000),
      entry('r3', 'request', 'simulated/claude-haiku', 3000, 300, day + 86_400_000),
      entry('r3-a0', 'attempt', 'simulated/claude-haiku', 3000, 300, day + 86_400_000),
    ]);
    await store.close();

    const report = JSON.parse(await cli('estimate', '--from-ledger', '--data-dir', dataDir, '--json')) as EstimateReport;
    expect(report.basis).toBe('ledger');
    expect(report.traffic).toMatchObject({ requestsPerDay: 1.5, inputTokens: 2000, outputTokens: 200 });
    const profiles = JSON.parse(await cli('models', '--json')) as ModelProfile[];
    const month = (id: string): number => {
      const p = profiles.find((profile) => profile.id === id)!.pricing;
      return (1.5 * 30 * (2000 * p.inputPerMTok + 200 * p.outputPerMTok)) / 1e6;
    };
    expect(report.deployments.find((d) => d.deploymentId === 'simulated/gpt-4o')?.monthlyUsd).toBeCloseTo(month('simulated/gpt-4o'), 9);
    expect(report.ledger?.deployments.map((d) => [d.deploymentId, d.attempts])).toEqual([['simulated/gpt-4o-mini', 2], ['simulated/claude-haiku', 1]]);
    expect(report.ledger?.observedMonthlyUsd).toBeCloseTo((2 / 3) * month('simulated/gpt-4o-mini') + (1 / 3) * month('simulated/claude-haiku'), 9);

    // A flag given alongside the ledger wins over the ledger's number.
    const table = await cli('estimate', '--from-ledger', '--data-dir', dataDir, '--requests-per-day', '100');
    expect(table).toMatch(/^Traffic: 100 requests\/day x 30 days, 2000 input \+ 200 output tokens per request \(from the ledger\)$/m);
    expect(table).toMatch(/Ledger .*: 3 requests over 2 active day\(s\); attempts by deployment: simulated\/gpt-4o-mini 66\.7%, simulated\/claude-haiku 33\.3%\./);
    expect(table).toMatch(/At the observed deployment mix: \$\d/);
  });
});
