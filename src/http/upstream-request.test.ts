import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamPools } from './upstream-pools.js';
import { sendUpstream } from './upstream-request.js';

describe('sendUpstream deadlines', () => {
  let server: Server | undefined;
  const pools = new UpstreamPools();
  afterEach(async () => {
    await pools.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('counts the first-token deadline of a non-streaming call only until the headers arrive', async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      res.write('{"slow":');
      setTimeout(() => res.end('true}'), 600);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    // Warm the pool so that connecting does not eat into the deadline under test.
    await (await sendUpstream(pools, { url, headers: {}, body: '{}' })).text();
    const response = await sendUpstream(pools, { url, headers: {}, body: '{}', deadlines: { firstTokenMs: 300 } });
    expect(await response.text()).toBe('{"slow":true}');
  });
});
