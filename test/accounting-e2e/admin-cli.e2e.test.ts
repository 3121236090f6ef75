import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerBudgetsCommand } from '../../src/cli/commands/budgets-command.js';
import { registerKeysCommand } from '../../src/cli/commands/keys-command.js';
import { registerSpendCommand } from '../../src/cli/commands/spend-command.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { completion } from '../e2e/openai-wire.js';
import { ADMIN_KEY, accountedConfig, startAccountedGateway, type AccountedGateway } from './start-accounted-gateway.js';

let upstream: FakeUpstream;
let run: AccountedGateway;

/** Runs one `switchyard …` command line in process and returns what it printed. */
async function cli(...args: string[]): Promise<string> {
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void printed.push(parts.join(' ')));
  try {
    const program = new Command().exitOverride();
    for (const register of [registerKeysCommand, registerBudgetsCommand, registerSpendCommand]) register(program);
    await program.parseAsync(['node', 'switchyard', ...args, '--url', run.url]);
  } finally {
    spy.mockRestore();
  }
  return printed.join('\n');
}

beforeAll(async () => {
  upstream = await startFakeUpstream((request) => completion((request.json as { model: string }).model, 'ok', { usage: { input: 1000, output: 100 } }));
  run = await startAccountedGateway(accountedConfig(upstream.url, { accounting: { store: 'memory' } }));
  vi.stubEnv('SWITCHYARD_ADMIN_KEY', ADMIN_KEY);
});

afterEach(() => {
  vi.stubEnv('SWITCHYARD_ADMIN_KEY', ADMIN_KEY);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await run?.close();
  await upstream?.close();
});

describe('switchyard keys, budgets and spend against a running gateway', () => {
  it('creates a key (secret once), lists it as a plain table, spends, reports and revokes', async () => {
    const created = await cli('keys', 'create', '--owner', 'ana', '--team', 'search', '--models', 'fake/small', '--rpm', '60');
    const secret = /Secret \(shown once, store it now\): (sk-sy-\S+)/.exec(created)?.[1];
    expect(secret).toBeDefined();
    const id = /Created key (\S+) for ana \(team search\)\./.exec(created)?.[1] ?? '';

    const listed = await cli('keys', 'list');
    expect(listed).not.toContain('\u001b[');
    expect(listed.split('\n')[0]).toMatch(/^ID\s+KEY\s+OWNER\s+TEAM\s+STATUS\s+MODELS\s+LIMITS\s+EXPIRES$/);
    expect(listed).toMatch(new RegExp(`${id}\\s+sk-sy-\\S+…\\s+ana\\s+search\\s+active\\s+fake/small\\s+60 rpm`));
    expect(listed).not.toContain(secret);

    expect(await cli('budgets', 'set', '--scope', 'team', '--id', 'search', '--period', 'month', '--limit', '25')).toMatch(/Budget team:search:month: \$25\.00 per month/);
    await run.client(secret!).chat.completions.create({ model: 'fake/small', messages: [{ role: 'user', content: 'hi' }] });
    const budgets = await cli('budgets', 'list');
    expect(budgets).toMatch(/team\s+search\s+month\s+\$25\.00\s+\$0\.002000/);

    const spend = await cli('spend', '--group-by', 'team');
    expect(spend).toMatch(/^TEAM\s+COST\s+REQUESTS/);
    expect(spend).toMatch(/search\s+\$0\.002000\s+1\s+1000\s+100/);

    expect(await cli('keys', 'revoke', id)).toContain(`Revoked key ${id}`);
    expect(await cli('keys', 'list')).not.toContain(id);
  });

  it('says to set SWITCHYARD_ADMIN_KEY when the gateway refuses', async () => {
    vi.stubEnv('SWITCHYARD_ADMIN_KEY', '');
    await expect(cli('keys', 'list')).rejects.toThrow(/401 from \/admin\/keys: .*Set SWITCHYARD_ADMIN_KEY\./);
  });
});
