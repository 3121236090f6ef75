import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationSec: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers, socket errors and timeouts. */
  errors: number;
}

export type LoadDriver = (spec: LoadSpec) => Promise<LoadResult>;

export function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

function luaString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** wrk with one thread and a Lua script that POSTs the body and prints the summary as JSON. */
export const wrkDriver: LoadDriver = async (spec) => {
  const script = join(tmpdir(), `switchyard-wrk-${process.pid}-${Math.random().toString(36).slice(2)}.lua`);
  const headerLines = Object.entries(spec.headers)
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n');
  writeFileSync(
    script,
    `wrk.method = "POST"
wrk.body = ${luaString(spec.body)}
wrk.headers["content-type"] = "application/json"
${headerLines}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\\n{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"errors":%d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
`,
  );
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${spec.connections}`, `-d${spec.durationSec}s`, '--timeout', '10s', '-s', script, spec.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (part: Buffer) => (out += part.toString('utf8')));
    child.stderr.on('data', (part: Buffer) => (out += part.toString('utf8')));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  }).finally(() => rmSync(script, { force: true }));
  const line = output.split('\n').find((l) => l.startsWith('{"requests"'));
  if (line === undefined) throw new Error(`wrk printed no summary:\n${output}`);
  const parsed = JSON.parse(line) as { requests: number; durationUs: number; p50Us: number; p99Us: number; errors: number };
  return {
    requests: parsed.requests,
    rps: parsed.requests / (parsed.durationUs / 1e6),
    p50Ms: parsed.p50Us / 1000,
    p99Ms: parsed.p99Us / 1000,
    errors: parsed.errors,
  };
};

interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p99: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}

/** autocannon in this process (it costs about twice wrk's CPU for the same rate). */
export const autocannonDriver: LoadDriver = async (spec) => {
  const moduleName = 'autocannon';
  const autocannon = ((await import(moduleName)) as { default: (options: Record<string, unknown>) => Promise<AutocannonResult> }).default;
  const result = await autocannon({
    url: spec.url,
    method: 'POST',
    headers: { ...spec.headers, 'content-type': 'application/json' },
    body: spec.body,
    connections: spec.connections,
    duration: spec.durationSec,
  });
  return {
    requests: result.requests.total,
    rps: result.requests.total / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
};
