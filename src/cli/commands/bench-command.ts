import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.js';
import { buildGateway } from '../../engine/build-gateway.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { benchQualityProfile, formatQualityProfile } from '../../eval/model-bench/bench-quality-profile.js';
import { loadBenchSuite } from '../../eval/model-bench/load-bench-suite.js';
import { renderBenchHtml } from '../../eval/model-bench/render-bench-html.js';
import { runModelBench, type BenchRecord } from '../../eval/model-bench/run-model-bench.js';
import { summarizeModelBench, type BenchSummaryRow } from '../../eval/model-bench/summarize-model-bench.js';
import { toCsv } from '../../eval/model-bench/to-csv.js';
import { startServer } from '../../server/create-server.js';

interface BenchOptions {
  suite?: string;
  models: string;
  concurrency: string;
  repeat: string;
  url: string;
  apiKey?: string;
  out?: string;
  judge?: string;
  serve?: boolean;
  config?: string;
  writeProfile?: string;
  limit?: string;
  json?: boolean;
}

/** The shipped suite, found from the compiled (dist/src/cli/commands) or source (src/cli/commands) location. */
function builtInSuite(): string {
  const candidates = ['../../../../data/bench/suite.jsonl', '../../../data/bench/suite.jsonl'].map((path) => fileURLToPath(new URL(path, import.meta.url)));
  return candidates.find((path) => existsSync(path)) ?? (candidates[0] as string);
}

function positiveInt(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new GatewayError('invalid_request', `${flag} must be a positive integer, got ${text}`);
  return value;
}

const num = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : '—');

function formatTable(rows: readonly BenchSummaryRow[]): string {
  const header = ['model', 'task', 'n', 'err', 'quality', 'ttft p50', 'ttft p95', 'total p50', 'total p95', 'tok/s', 'cost $'];
  const lines = rows.map((r) => [
    r.model,
    r.task,
    String(r.requests),
    String(r.errors),
    r.quality === null ? `— (${r.scored})` : `${r.quality.toFixed(3)} (${r.scored})`,
    num(r.ttftP50Ms, 0),
    num(r.ttftP95Ms, 0),
    num(r.totalP50Ms, 0),
    num(r.totalP95Ms, 0),
    num(r.outputTokensPerSecond, 1),
    r.costUnknown === r.requests - r.errors && r.requests > r.errors ? '?' : r.costUsd.toPrecision(3),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [row(header), ...lines.map(row)].join('\n');
}

export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('Benchmark models through the gateway on a suite of prompts with reference answers: quality by a real scorer per item, TTFT, latency, tokens/s, cost')
    .option('--suite <file>', 'JSONL suite: {"id","task","prompt","reference","scorer":{...}} per line (default: the built-in suite)')
    .requiredOption('--models <list>', 'comma-separated models to benchmark (deployment ids, aliases or policies)')
    .option('--concurrency <n>', 'calls in flight at once', '4')
    .option('--repeat <n>', 'times each item is sent to each model', '1')
    .option('--url <url>', 'a running gateway', 'http://127.0.0.1:4000')
    .option('--api-key <key>', 'a virtual key for the gateway (default: SWITCHYARD_API_KEY)')
    .option('--out <dir>', 'folder for results.json, records.csv, summary.csv and report.html (default: bench-results/<time>)')
    .option('--judge <model>', 'a model the gateway serves that grades the items whose scorer is "judge"')
    .option('--serve', 'start a gateway in this process on a free port (from --config, or the defaults: simulated models when no provider key is set) instead of using --url')
    .option('--config <file>', 'config file for --serve')
    .option('--write-profile <file>', 'write the measured quality per model and task as a config fragment (.yaml or .json)')
    .option('--limit <n>', 'only the first n items of the suite')
    .option('--json', 'print the summary rows as one JSON line instead of the table')
    .action(async (options: BenchOptions) => {
      const models = options.models.split(',').map((m) => m.trim()).filter((m) => m !== '');
      if (models.length === 0) throw new GatewayError('invalid_request', '--models names no model');
      const concurrency = positiveInt(options.concurrency, '--concurrency');
      const repeat = positiveInt(options.repeat, '--repeat');
      const suitePath = resolve(options.suite ?? builtInSuite());
      let items = await loadBenchSuite(suitePath);
      if (options.limit !== undefined) items = items.slice(0, positiveInt(options.limit, '--limit'));

      let url = options.url;
      let stop: (() => Promise<void>) | undefined;
      if (options.serve === true) {
        const { config } = await loadConfig(options.config === undefined ? {} : { path: options.config });
        const gateway = buildGateway(config);
        const server = await startServer(gateway, { port: 0, host: '127.0.0.1' });
        url = server.url;
        stop = async () => {
          await server.close(1_000);
          await gateway.close();
        };
      }

      const total = items.length * models.length * repeat;
      const bar = !options.json && process.stderr.isTTY ? new SingleBar({ format: 'bench [{bar}] {value}/{total} calls | {eta_formatted} left | {last}', hideCursor: true }) : undefined;
      bar?.start(total, 0, { last: '' });
      let failures = 0;
      let records: BenchRecord[];
      try {
        records = await runModelBench({
          url,
          models,
          items,
          concurrency,
          repeat,
          keepAnswers: true,
          ...(options.apiKey ?? process.env.SWITCHYARD_API_KEY ? { apiKey: options.apiKey ?? process.env.SWITCHYARD_API_KEY } : {}),
          ...(options.judge === undefined ? {} : { judgeModel: options.judge }),
          onProgress: (done, all, record) => {
            if (record.error !== undefined) failures += 1;
            bar?.update(done, { last: `${record.model} ${record.itemId}` });
            if (bar === undefined && !options.json && (done === all || done % Math.max(1, Math.round(all / 10)) === 0)) process.stderr.write(`bench: ${done}/${all} calls, ${failures} failed\n`);
          },
        });
      } finally {
        bar?.stop();
        await stop?.();
      }

      const rows = summarizeModelBench(records, models);
      const generatedAt = new Date().toISOString();
      const out = resolve(options.out ?? join('bench-results', generatedAt.replace(/[:.]/g, '-')));
      await mkdir(out, { recursive: true });
      const meta = { generatedAt, suite: suitePath, url: options.serve === true ? `in-process gateway (${url})` : url, models, concurrency, repeat, judge: options.judge ?? null, items: items.length };
      await writeFile(join(out, 'results.json'), `${JSON.stringify({ ...meta, summary: rows, records }, null, 2)}\n`);
      await writeFile(
        join(out, 'records.csv'),
        toCsv(records, ['model', 'itemId', 'task', 'repeat', 'scorer', 'score', 'detail', 'ttftMs', 'totalMs', 'inputTokens', 'outputTokens', 'costUsd', 'deployment', 'error']),
      );
      await writeFile(
        join(out, 'summary.csv'),
        toCsv(rows, ['model', 'task', 'requests', 'errors', 'scored', 'quality', 'qualityWithErrors', 'ttftP50Ms', 'ttftP95Ms', 'totalP50Ms', 'totalP95Ms', 'outputTokensPerSecond', 'costUsd', 'costPerRequestUsd', 'costUnknown']),
      );
      await writeFile(join(out, 'report.html'), renderBenchHtml({ title: 'Switchyard model benchmark', generatedAt, suite: suitePath, url: meta.url, models, records, rows }));
      if (options.writeProfile !== undefined) {
        const format = extname(options.writeProfile).toLowerCase() === '.json' ? 'json' : 'yaml';
        const note = `Quality measured by switchyard bench on ${items.length} items of ${suitePath} (${generatedAt}); failed calls count as wrong.`;
        await writeFile(options.writeProfile, formatQualityProfile(benchQualityProfile(rows), format, note));
      }
      if (options.json) {
        console.log(JSON.stringify({ ...meta, out, summary: rows }));
      } else {
        console.log(formatTable(rows));
        console.log(`\n${records.length} calls, ${failures} failed. Results in ${out} (results.json, records.csv, summary.csv, report.html)${options.writeProfile === undefined ? '' : `; quality profile in ${options.writeProfile}`}.`);
      }
    });
}
