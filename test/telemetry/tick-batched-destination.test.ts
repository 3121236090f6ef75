import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TickBatchedDestination, type AsyncLineSink } from '../../src/telemetry/tick-batched-destination.js';
import { REPO, transpileSources } from '../support/transpile-sources.js';

/** A sink that records what it is handed and when it is asked to flush. */
function recordingSink(): AsyncLineSink & { writes: string[]; calls: string[] } {
  const writes: string[] = [];
  const calls: string[] = [];
  return {
    writes,
    calls,
    write(data) {
      writes.push(data);
      calls.push('write');
      return true;
    },
    flush(callback) {
      calls.push('flush');
      callback?.();
    },
    flushSync() {
      calls.push('flushSync');
    },
  };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TickBatchedDestination', () => {
  it('hands the lines of one turn to the sink as one string, in order, on the next turn', async () => {
    const sink = recordingSink();
    const destination = new TickBatchedDestination(sink);
    destination.write('{"a":1}\n');
    destination.write('{"b":2}\n');
    destination.write('{"c":3}\n');
    expect(sink.writes).toEqual([]);
    await nextTurn();
    expect(sink.writes).toEqual(['{"a":1}\n{"b":2}\n{"c":3}\n']);
    destination.write('{"d":4}\n');
    await nextTurn();
    expect(sink.writes).toEqual(['{"a":1}\n{"b":2}\n{"c":3}\n', '{"d":4}\n']);
  });

  it('hands held lines over before it flushes or syncs the sink', async () => {
    const sink = recordingSink();
    const destination = new TickBatchedDestination(sink);
    destination.write('one\n');
    destination.flushSync();
    destination.write('two\n');
    destination.flush();
    expect(sink.writes).toEqual(['one\n', 'two\n']);
    expect(sink.calls).toEqual(['write', 'flushSync', 'write', 'flush']);
    await nextTurn();
    expect(sink.writes).toHaveLength(2);
  });
});

describe('the gateway logger at process exit', () => {
  const compiled = join(REPO, 'test-artifacts', `log-exit-${process.pid}`);
  beforeAll(() => transpileSources(compiled));
  afterAll(() => rmSync(compiled, { recursive: true, force: true }));

  it('writes every line logged in the turn that calls process.exit', () => {
    const script = join(compiled, 'log-then-exit.mjs');
    writeFileSync(
      script,
      `import { createLogger } from ${JSON.stringify(pathToFileURL(join(compiled, 'src/telemetry/create-logger.js')).href)};
const logger = createLogger({ level: 'info' });
for (let i = 0; i < 500; i += 1) logger.info({ i }, 'line');
process.exit(0);
`,
    );
    const child = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    const lines = child.stdout.trim().split('\n').map((line) => JSON.parse(line) as { i: number; msg: string });
    expect(lines.map((line) => line.i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });
});
