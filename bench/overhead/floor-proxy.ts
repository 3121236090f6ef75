import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { announceReady } from './announce-ready.js';

/**
 * The floor: a bare pass-through proxy on node:http and one undici Pool, no parsing, no routing.
 * What any Node gateway pays at least.
 */
const upstream = process.env.BENCH_UPSTREAM ?? 'http://127.0.0.1:8000';
const pool = new Pool(upstream, { connections: 256, pipelining: 1, keepAliveTimeout: 60_000 });

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  pool
    .request({ path: req.url ?? '/', method: (req.method ?? 'GET') as 'POST', headers: { 'content-type': 'application/json' }, body: req })
    .then((answer) => {
      res.writeHead(answer.statusCode, { 'content-type': String(answer.headers['content-type'] ?? 'application/json') });
      answer.body.pipe(res);
    })
    .catch(() => {
      res.writeHead(502).end();
    });
});
server.listen(0, '127.0.0.1', () => announceReady((server.address() as AddressInfo).port));
