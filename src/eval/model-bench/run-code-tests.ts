import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CodeRunResult {
  passed: boolean;
  timedOut: boolean;
  exitCode: number | null;
  /** The end of stderr (or stdout), for the report. */
  output: string;
}

const OUTPUT_LIMIT = 4_000;

/**
 * Runs a program (the answer's code with the tests appended) in a child process in a fresh
 * temporary folder, with a timeout and a small environment. It passes when it exits 0. This is
 * isolation from the gateway process, not a sandbox: run suites you trust.
 */
export async function runCodeTests(options: { language: 'python' | 'javascript'; code: string; tests: string; timeoutMs?: number }): Promise<CodeRunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-code-'));
  const file = join(dir, options.language === 'python' ? 'solution_test.py' : 'solution.test.mjs');
  const [command, args] = options.language === 'python' ? ['python3', ['-I', file]] : [process.execPath, [file]];
  try {
    await writeFile(file, `${options.code}\n\n${options.tests}\n`);
    return await new Promise<CodeRunResult>((resolve) => {
      const child = spawn(command, args, { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const keep = (part: Buffer): void => {
        output = (output + part.toString('utf8')).slice(-OUTPUT_LIMIT);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, options.timeoutMs ?? 10_000);
      child.on('error', (error) => {
        clearTimeout(timer);
        resolve({ passed: false, timedOut: false, exitCode: null, output: error.message });
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ passed: code === 0 && !timedOut, timedOut, exitCode: code, output: output.trim() });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
