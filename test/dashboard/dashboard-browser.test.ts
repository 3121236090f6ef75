import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { buildGateway } from '../../src/engine/build-gateway.js';
import type { Gateway } from '../../src/engine/gateway.js';
import type { SwitchyardServer } from '../../src/server/create-server.js';
import { createObservedServer } from '../../src/server/create-observed-server.js';
import { openTelemetry } from '../../src/server/open-telemetry.js';
import type { Telemetry } from '../../src/telemetry/create-telemetry.js';
import { DEMO_PROMPTS, demoConfig } from './demo-config.js';

const ADMIN_KEY = 'sk-admin-dashboard-0123456789';

const CHROMIUM = '/usr/bin/chromium';

/** The few DOM globals the page-side functions touch (the project is typed without the DOM lib). */
interface PageGlobals {
  document: {
    querySelectorAll(selector: string): { length: number };
    getElementById(id: string): { textContent: string | null } | null;
    documentElement: { scrollWidth: number; clientWidth: number };
  };
}
const present = existsSync(CHROMIUM);
if (!present) {
  if (process.env.SWITCHYARD_REQUIRE_SERVICES === '1') throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (see .ci/run).`);
  console.warn(`[skip] dashboard browser test: ${CHROMIUM} not found`);
}

/** The real engine over six simulated models, observed and served, with traffic flowing while the page is open. */
describe.skipIf(!present)('dashboard in a real browser', () => {
  let telemetry: Telemetry;
  let gateway: Gateway;
  let server: SwitchyardServer;
  let url: string;
  let browser: Browser;
  let traffic: NodeJS.Timeout | undefined;
  let sent = 0;
  const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-dashboard-'));

  beforeAll(async () => {
    const config = parseConfig(demoConfig(dataDir), {});
    telemetry = await openTelemetry(config);
    gateway = buildGateway(config, { env: {} });
    // One budget pulled from cost control at every refresh, two pushed as events.
    server = await createObservedServer(gateway, telemetry, {
      adminKey: ADMIN_KEY,
      budgets: () => [{ scope: 'team', name: 'support', spentUsd: 96, limitUsd: 100 }],
      // A batch job half done, as the batch runner reports it.
      batches: () => [{ id: 'batch_demo', status: 'in_progress', total: 10, completed: 4, failed: 1, costUsd: 0.012, createdAt: Date.now() }],
    });
    url = (await server.listen(0)).url;
    // Budget levels as cost control pushes them.
    telemetry.observer.budgetUpdated?.({ at: Date.now(), scope: 'team', name: 'search', spentUsd: 72, limitUsd: 100 });
    telemetry.observer.budgetUpdated?.({ at: Date.now(), scope: 'global', name: 'monthly', spentUsd: 310, limitUsd: 1000 });
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const fire = (): void => {
      const prompt = DEMO_PROMPTS[sent % DEMO_PROMPTS.length]!;
      sent += 1;
      client.chat.completions.create({ model: prompt.model, messages: [{ role: 'user', content: prompt.content }] }).catch(() => {});
    };
    for (let i = 0; i < 18; i++) fire();
    traffic = setInterval(fire, 50);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    clearInterval(traffic);
    await browser?.close();
    await server?.close(1_000);
    await gateway?.close();
    await telemetry?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows live traffic in the table and the charts, and updates without a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${url}/dashboard?key=${encodeURIComponent(ADMIN_KEY)}`);
    expect(new URL(page.url()).search).toBe('');
    await page.waitForSelector('#deployments tbody tr[data-deployment="simulated/gpt-4o-mini"]');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('#chart-requests rect.bar').length > 0);

    const deployments = await page.$$eval('#deployments tbody tr[data-deployment]', (rows) => rows.map((row) => row.getAttribute('data-deployment')));
    expect(deployments).toEqual(expect.arrayContaining(['simulated/gpt-4o-mini', 'simulated/claude-sonnet']));
    const calls = await page.$eval('#deployments tbody tr[data-deployment="simulated/gpt-4o-mini"] td.calls', (cell) => Number(cell.textContent));
    expect(calls).toBeGreaterThan(0);
    expect(await page.$$eval('#chart-spend path.spend-line', (paths) => paths.length)).toBe(1);
    expect(await page.$$eval('#mix .mix-row', (rows) => rows.map((row) => row.getAttribute('data-task')))).toEqual(expect.arrayContaining(['coding', 'math', 'translation']));
    expect(await page.$$eval('#breakers .breaker', (rows) => rows.length)).toBeGreaterThanOrEqual(3);
    expect(await page.$$eval('#budgets .budget', (bars) => bars.length)).toBe(3);
    expect(await page.$$eval('#batches tbody tr[data-batch]', (rows) => rows.map((row) => [row.getAttribute('data-batch'), row.querySelector('td.done')?.textContent]))).toEqual([['batch_demo', '5 / 10']]);
    expect(await page.$$eval('#decisions tbody tr[data-decision]', (rows) => rows.length)).toBeGreaterThan(0);
    // The failing model, called directly, fails for the client: failures show on the chart.
    await page.waitForSelector('#chart-requests circle.error-mark', { timeout: 15_000 });
    expect(await page.textContent('#status')).toContain('live');

    // Traffic keeps flowing: the numbers move with no reload.
    const before = Number((await page.textContent('#kpi-requests'))!.replace(/,/g, ''));
    await page.waitForFunction(
      (n) => Number((globalThis as unknown as PageGlobals).document.getElementById('kpi-requests')?.textContent?.replace(/,/g, '')) > n,
      before,
      { timeout: 10_000 },
    );

    // Laptop width: nothing overflows the page sideways.
    const overflow = await page.evaluate(() => {
      const root = (globalThis as unknown as PageGlobals).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/dashboard.png', fullPage: true });
    expect(errors).toEqual([]);
  });
});
