import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebhookAlertSink, type Alert } from '../../src/accounting/index.js';

const alert: Alert = {
  kind: 'budget_threshold', budgetId: 'global:*:day', scope: 'global', scopeId: '*', period: 'day',
  periodStart: '2026-11-25T00:00:00.000Z', threshold: 0.8, limitUsd: 10, spentUsd: 8.2, at: '2026-11-25T10:00:00.000Z',
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

/** A receiver that answers with the given statuses in turn (the last one repeats). */
async function receiver(statuses: number[]) {
  const received: Array<{ body: unknown; headers: Record<string, unknown> }> = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ body: JSON.parse(body), headers: req.headers });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

describe('WebhookAlertSink', () => {
  it('POSTs the alert as JSON, retrying 5xx and 429 with backoff, without blocking emit', async () => {
    const { url, received } = await receiver([503, 429, 200]);
    const sink = new WebhookAlertSink({ url, initialBackoffMs: 5, headers: { authorization: 'Bearer hook-secret' }, random: () => 0.5 });
    // emit only queues: nothing has been sent when it returns.
    sink.emit(alert);
    expect(received).toHaveLength(0);
    await sink.idle();
    expect(received).toHaveLength(3);
    expect(received[2]?.body).toEqual(alert);
    expect(received[2]?.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer hook-secret' });
    expect(sink.stats()).toEqual({ delivered: 1, failed: 0, dropped: 0, attempts: 3 });
  });

  it('gives up on a 4xx at once and after maxAttempts on repeated failures', async () => {
    const { url, received } = await receiver([400]);
    const sink = new WebhookAlertSink({ url, initialBackoffMs: 1 });
    sink.emit(alert);
    await sink.idle();
    expect(received).toHaveLength(1);
    await new Promise((r) => server!.close(r));
    server = undefined;
    const down = new WebhookAlertSink({ url, initialBackoffMs: 1, maxAttempts: 3 });
    down.emit(alert);
    await down.idle();
    expect(down.stats()).toMatchObject({ delivered: 0, failed: 1, attempts: 3 });
  });

  it('stops retrying on close', async () => {
    const { url } = await receiver([500]);
    const sink = new WebhookAlertSink({ url, initialBackoffMs: 60_000 });
    sink.emit(alert);
    sink.emit(alert);
    await new Promise((r) => setTimeout(r, 50));
    await sink.close();
    expect(sink.stats()).toEqual({ delivered: 0, failed: 1, dropped: 1, attempts: 1 });
  });
});
