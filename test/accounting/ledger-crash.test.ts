import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/state/index.js';

const repo = resolve(import.meta.dirname, '../..');
// Compiled output lives inside the checkout so that the child resolves better-sqlite3 from its node_modules.
const compiled = join(repo, 'test-artifacts', `ledger-crash-${process.pid}`);
const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-crash-'));

beforeAll(() => {
  mkdirSync(compiled, { recursive: true });
  writeFileSync(join(compiled, 'package.json'), '{"type":"module"}\n');
  // Only the layers under test and what they import, transpiled file by file (types are checked
  // by the project's own type check; this only strips them).
  for (const layer of ['spec', 'errors', 'state', 'accounting']) {
    for (const file of readdirSync(join(repo, 'src', layer), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      const source = readFileSync(join(repo, 'src', layer, file), 'utf8');
      const { outputText } = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, esModuleInterop: true },
      });
      const out = join(compiled, 'src', layer, file.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, outputText);
    }
  }
}, 60_000);

afterAll(() => {
  rmSync(compiled, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('ledger durability on a crash', () => {
  it('keeps every entry whose recordDurably resolved when the process is killed with SIGKILL mid-load', async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'ledger-crash-child.mjs'), compiled, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: string[] = [];
    let buffer = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    await new Promise<void>((done, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) if (line !== 'ready') acked.push(line);
        if (acked.length >= 1000 && !child.killed) {
          child.kill('SIGKILL');
          done();
        }
      });
      child.on('exit', () => fail(new Error(`child exited early: ${stderr}`)));
    });
    expect(await exited).toBe('SIGKILL');
    // Lines that arrived after the kill was sent are acknowledgements too.
    for (const line of buffer.split('\n')) if (/^c\d+-\d+$/.test(line)) acked.push(line);

    const store = await SqliteStore.open({ dataDir });
    const stored = new Set((await store.ledger.listEntries()).filter((e) => e.kind === 'request').map((e) => e.id));
    const missing = acked.filter((id) => !stored.has(id));
    const total = await store.ledger.countEntries();
    await store.close();
    console.info(`ledger crash: ${acked.length} responses acknowledged before SIGKILL, ${stored.size} request rows and ${total} rows in all after reopen, ${missing.length} missing`);
    expect(missing).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(acked.length);
  });
});
