import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { autocannonDriver, wrkAvailable, wrkDriver, type LoadDriver, type LoadResult } from './load-driver.js';
import { formatOverheadTable, type Cell, type ModeName, type OverheadReport } from './format-overhead-table.js';
import { cpuSeconds, peakRssMb, resetPeakRss } from './process-meter.js';
import { profileSwitchyardInto, startForked, startPortkey, startUpstream, stopChild, type RunningTarget, type TargetName } from './targets.js';

/**
 * `npm run bench:overhead`: the fake upstream alone, Switchyard (one deployment, and `auto` over
 * five), the Portkey gateway and a bare undici proxy, each in its own process, driven by the same
 * load one after the other in alternating order. Prints one table; `--json` ends with one JSON line.
 */
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '32,256' },
    modes: { type: 'string', default: 'json,stream' },
    targets: { type: 'string', default: 'direct,switchyard,switchyard-auto,portkey,floor' },
    driver: { type: 'string' },
    json: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
  },
});

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const durationSec = Number(values.duration);
const warmupSec = Number(values.warmup);
const concurrencies = values.concurrency.split(',').map(Number);
const modes = values.modes.split(',') as ModeName[];
const wanted = values.targets.split(',') as TargetName[];
const useWrk = values.driver === undefined ? wrkAvailable() : values.driver === 'wrk';
const drive: LoadDriver = useWrk ? wrkDriver : autocannonDriver;

const log = (line: string): void => void process.stderr.write(`${line}\n`);

const SYSTEM = 'You are a concise assistant for an engineering team. Answer in plain prose, no lists, at most three sentences, and say so when you are unsure.';
const QUESTION =
  'We run a service that calls several language model providers. Requests arrive in bursts of a few hundred per second and each call takes ' +
  'between one and ten seconds. Explain why keeping a pool of warm keep-alive connections to each provider matters for tail latency, ' +
  'what happens to queued requests when every socket in the pool is busy, and how a gateway should decide how many sockets to keep open ' +
  'per origin when the providers also enforce rate limits on requests and tokens per minute. Mention one failure mode to watch for.';

function body(model: string, stream: boolean): string {
  const payload: Record<string, unknown> = {
    model,
    messages: [
      { role: 'system', content: SYSTEM },
      { role: 'user', content: QUESTION },
    ],
    temperature: 0.2,
    max_tokens: 256,
  };
  if (stream) {
    payload.stream = true;
    payload.stream_options = { include_usage: true };
  }
  return JSON.stringify(payload);
}

async function checkAnswers(target: RunningTarget, stream: boolean): Promise<void> {
  const answer = await request(target.url, { method: 'POST', headers: { ...target.headers, 'content-type': 'application/json' }, body: body(target.model, stream) });
  const text = await answer.body.text();
  if (answer.statusCode !== 200 || (stream ? !text.includes('[DONE]') : !text.includes('"choices"'))) {
    throw new Error(`${target.name} answered ${answer.statusCode} to a ${stream ? 'stream' : 'json'} request: ${text.slice(0, 300)}`);
  }
}

async function measure(target: RunningTarget, mode: ModeName, connections: number): Promise<Cell> {
  const spec = { url: target.url, headers: target.headers, body: body(target.model, mode === 'stream'), connections };
  if (warmupSec > 0) await drive({ ...spec, durationSec: warmupSec });
  const resetOk = resetPeakRss(target.pid);
  const cpuBefore = cpuSeconds(target.pid);
  const result: LoadResult = await drive({ ...spec, durationSec });
  const cpu = cpuSeconds(target.pid) - cpuBefore;
  return {
    rps: result.rps,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.errors,
    cpuSecPer1k: result.requests > 0 ? (cpu / result.requests) * 1000 : Number.NaN,
    peakRssMb: peakRssMb(target.pid),
    peakRssThisRun: resetOk,
  };
}

if (values['cpu-prof']) {
  const dir = join(root, 'bench/results/profiles');
  mkdirSync(dir, { recursive: true });
  profileSwitchyardInto(dir);
  log(`CPU profiles of the Switchyard processes go to ${dir} (summarize with dist/bench/overhead/summarize-cpu-profile.js)`);
}

const children: Array<RunningTarget['child']> = [];
let exitCode = 0;
try {
  const upstream = await startUpstream();
  children.push(upstream.child);
  const targets: RunningTarget[] = [];
  for (const name of wanted) {
    if (name === 'direct') {
      targets.push({ name, pid: upstream.child.pid as number, url: `${upstream.url}/v1/chat/completions`, headers: {}, model: 'gpt-4o-mini', child: upstream.child });
      continue;
    }
    const target = name === 'portkey' ? await startPortkey(upstream.url, root) : await startForked(name, upstream.url);
    children.push(target.child);
    targets.push(target);
  }
  for (const target of targets) for (const mode of modes) await checkAnswers(target, mode === 'stream');
  log(`load: ${useWrk ? 'wrk (1 thread)' : 'autocannon'}; ${durationSec} s per cell after ${warmupSec} s warm-up; ${cpus().length} CPUs`);

  const report: OverheadReport = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    driver: useWrk ? 'wrk' : 'autocannon',
    durationSec,
    warmupSec,
    switchyardFeatures: ['serveGateway as in production', 'virtual keys required', 'cost control with the SQLite ledger', 'SQLite decision log', 'Prometheus metrics', 'request logs (the production pino logger with redaction, info, to /dev/null)'],
    modes: {},
  };
  let round = 0;
  for (const mode of modes) {
    for (const connections of concurrencies) {
      // Alternate the order from cell to cell so that no target always runs first or last.
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      round += 1;
      const cells: Partial<Record<TargetName, Cell>> = {};
      for (const target of order) {
        log(`${mode} c=${connections} ${target.name} ...`);
        cells[target.name] = await measure(target, mode, connections);
      }
      (report.modes[mode] ??= {})[String(connections)] = cells;
    }
  }

  const { table, summary } = formatOverheadTable(report);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  const file = join(root, 'bench/results', `overhead-${report.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ ...report, summary }, null, 2)}\n`);
  process.stdout.write(`${table}\nSaved ${file}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
} catch (error) {
  log(`overhead benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  for (const child of children.reverse()) await stopChild(child);
}
process.exit(exitCode);
