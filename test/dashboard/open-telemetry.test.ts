import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { openTelemetry } from '../../src/server/open-telemetry.js';
import { createLogger } from '../../src/telemetry/create-logger.js';
import { finished } from './telemetry-fixtures.js';

const silent = createLogger({ level: 'silent' });

describe('openTelemetry', () => {
  it('keeps decisions in memory when configured so', async () => {
    const telemetry = await openTelemetry(parseConfig({ telemetry: { decisions: { store: 'memory', maxRecords: 5, retentionDays: 1 } } }, {}), { logger: silent });
    expect(telemetry.decisions.constructor.name).toBe('MemoryDecisionLog');
    await telemetry.close();
  });

  it('refuses tracing without an OTLP URL', async () => {
    await expect(openTelemetry(parseConfig({ telemetry: { decisions: { store: 'memory' }, tracing: { enabled: true } } }, {}), { logger: silent })).rejects.toMatchObject({ code: 'invalid_config' });
  });

  it('exports request spans over OTLP/HTTP to the configured collector', async () => {
    const received: Array<{ path: string; type: string; auth: string; bytes: number }> = [];
    const collector = createServer((req, res) => {
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', () => {
        received.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', auth: req.headers['x-collector-token'] as string, bytes });
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    try {
      const config = parseConfig({ telemetry: { decisions: { store: 'memory' }, tracing: { enabled: true, otlpUrl: `http://127.0.0.1:${port}/v1/traces`, headers: { 'x-collector-token': 't0k' } } } }, {});
      const telemetry = await openTelemetry(config, { logger: silent });
      telemetry.observer.requestStarted?.({ requestId: 'r', at: Date.now() - 10, endpoint: 'chat' });
      telemetry.observer.requestFinished?.(finished('r', 'openai/gpt-4o', { at: Date.now() }));
      await telemetry.close();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ path: '/v1/traces', auth: 't0k' });
      expect(received[0]!.bytes).toBeGreaterThan(50);
    } finally {
      collector.close();
    }
  });
});
