import { existsSync, mkdirSync } from 'node:fs';
import OpenAI from 'openai';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS, startObservedGateway, type ObservedGateway } from './start-observed-gateway.js';

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

describe.skipIf(!present)('dashboard in a real browser', () => {
  let run: ObservedGateway;
  let browser: Browser;
  let traffic: NodeJS.Timeout | undefined;
  let sent = 0;

  beforeAll(async () => {
    run = await startObservedGateway({ delayMs: 15 });
    run.telemetry.observer.budgetUpdated?.({ at: Date.now(), scope: 'team', name: 'search', spentUsd: 72, limitUsd: 100 });
    run.telemetry.observer.budgetUpdated?.({ at: Date.now(), scope: 'global', name: 'monthly', spentUsd: 310, limitUsd: 1000 });
    run.gateway.breakers.set('anthropic/claude-haiku', 'half_open');
    const client = new OpenAI({ baseURL: `${run.url}/v1`, apiKey: SECRETS.clientKey, maxRetries: 0 });
    const prompts = ['hello there', 'write code for a queue', 'flaky one', 'summarize this', 'review code', 'fail-all now'];
    const fire = (): void => {
      const content = prompts[sent % prompts.length]!;
      sent += 1;
      client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content }] }).catch(() => {});
    };
    for (let i = 0; i < 12; i++) fire();
    traffic = setInterval(fire, 60);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });

  afterAll(async () => {
    clearInterval(traffic);
    await browser?.close();
    await run?.close();
  });

  it('shows live traffic in the table and the charts, and updates without a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${run.url}/dashboard?key=${encodeURIComponent(SECRETS.adminKey)}`);
    expect(new URL(page.url()).search).toBe('');
    await page.waitForSelector('#deployments tbody tr[data-deployment="openai/gpt-4o-mini"]');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('#chart-requests rect.bar').length > 0);

    const deployments = await page.$$eval('#deployments tbody tr[data-deployment]', (rows) => rows.map((row) => row.getAttribute('data-deployment')));
    expect(deployments).toEqual(expect.arrayContaining(['openai/gpt-4o-mini', 'openai/gpt-4o', 'anthropic/claude-haiku']));
    const calls = await page.$eval('#deployments tbody tr[data-deployment="openai/gpt-4o-mini"] td.calls', (cell) => Number(cell.textContent));
    expect(calls).toBeGreaterThan(0);
    expect(await page.$$eval('#chart-spend path.spend-line', (paths) => paths.length)).toBe(1);
    expect(await page.$$eval('#mix .mix-row', (rows) => rows.map((row) => row.getAttribute('data-task')))).toEqual(expect.arrayContaining(['chat', 'coding']));
    expect(await page.$$eval('#breakers .pill.half_open', (pills) => pills.length)).toBe(1);
    expect(await page.$$eval('#budgets .budget', (bars) => bars.length)).toBe(2);
    expect(await page.$$eval('#decisions tbody tr[data-decision]', (rows) => rows.length)).toBeGreaterThan(0);
    await page.waitForSelector('#chart-requests circle.error-mark');
    await page.waitForSelector('#decisions .pill.bad');
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
