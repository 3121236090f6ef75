import { Command } from 'commander';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAuditTime, registerAuditCommand } from '../../src/cli/commands/audit-command.js';
import { registerReportCommand } from '../../src/cli/commands/report-command.js';
import { renderTable } from '../../src/telemetry/render-table.js';
import { SECRETS, startObservedGateway, type ObservedGateway } from './start-observed-gateway.js';

async function runCli(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerReportCommand(program);
  registerAuditCommand(program);
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((text: unknown) => {
    printed.push(String(text));
  });
  try {
    await program.parseAsync(['node', 'switchyard', ...args]);
  } finally {
    spy.mockRestore();
  }
  return printed.join('\n');
}

describe('switchyard report and audit', () => {
  let run: ObservedGateway;

  beforeAll(async () => {
    run = await startObservedGateway();
    const client = new OpenAI({ baseURL: `${run.url}/v1`, apiKey: SECRETS.clientKey, maxRetries: 0 });
    for (const content of ['hello', 'hello again', 'write code', 'flaky']) await client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content }] });
  });

  afterAll(async () => {
    await run.close();
  });

  it('prints the performance table from the admin API, without colour off a terminal', async () => {
    const out = await runCli(['report', '--url', run.url, '--admin-key', SECRETS.adminKey, '--window', '5m']);
    expect(out).toContain('Performance over 5m');
    expect(out).not.toContain('\u001b[');
    const rows = out.split('\n');
    const header = rows.find((line) => line.startsWith('deployment'))!;
    expect(header).toMatch(/calls\s+errors\s+by class\s+p50\s+p95\s+p99\s+ttft p50\s+ttft p95\s+tok\/s\s+avg cost\s+total cost/);
    const mini = rows.find((line) => line.startsWith('openai/gpt-4o-mini'))!;
    // 3 calls: two answers and the failed first pick of "flaky".
    expect(mini.split(/\s{2,}/).slice(0, 4)).toEqual(['openai/gpt-4o-mini', '3', '33.3%', 'overloaded 33.3%']);
    const gateway = rows.find((line) => line.startsWith('(gateway)'))!;
    expect(gateway.split(/\s{2,}/).slice(0, 3)).toEqual(['(gateway)', '4', '0.0%']);
    expect(out).toContain('Since start: 4 requests');
  });

  it('reads the admin key from the environment and explains a refusal', async () => {
    await expect(runCli(['report', '--url', run.url])).rejects.toThrow(/HTTP 401.*SWITCHYARD_ADMIN_KEY/);
    vi.stubEnv('SWITCHYARD_ADMIN_KEY', SECRETS.adminKey);
    try {
      expect(await runCli(['report', '--url', run.url, '--json'])).toContain('"deployments"');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('summarizes routing for a period', async () => {
    const out = await runCli(['audit', '--url', run.url, '--admin-key', SECRETS.adminKey, '--from', '1h']);
    expect(out).toMatch(/Routing audit from .* 4 decisions/);
    expect(out).toMatch(/chat\s+openai\/gpt-4o-mini\s+2\s+66\.7%/);
    expect(out).toMatch(/coding\s+anthropic\/claude-haiku\s+1\s+100\.0%/);
    expect(out).toContain('First pick failed: 1 of 4 (25.0%).');
    expect(out).toMatch(/Against sending everything to openai\/gpt-4o .* saved \$/);
  });

  it('parses audit times', () => {
    expect(parseAuditTime('24h', 100_000_000)).toBe(100_000_000 - 86_400_000);
    expect(parseAuditTime('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1));
    expect(() => parseAuditTime('last week')).toThrow(/not a time/);
  });
});

describe('renderTable', () => {
  it('aligns columns and ignores colour codes when measuring', () => {
    const text = renderTable([{ header: 'name' }, { header: 'n', align: 'right' }], [['a', '1'], ['long name', '100']]);
    expect(text.split('\n')).toEqual(['name         n', '---------  ---', 'a            1', 'long name  100']);
    const coloured = renderTable([{ header: 'x' }], [['y']], { colour: true });
    expect(coloured.split('\n')[0]).toBe('\u001b[1mx\u001b[0m');
  });
});
