import type { BenchRecord } from './run-model-bench.js';
import { percentile } from './percentile.js';
import type { BenchSummaryRow } from './summarize-model-bench.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fixed = (value: number | null, digits: number): string => (value === null || !Number.isFinite(value) ? '—' : value.toFixed(digits));
const usd = (value: number): string => (!Number.isFinite(value) ? '—' : value === 0 ? '$0' : value < 0.01 ? `$${value.toPrecision(3)}` : `$${value.toFixed(4)}`);

/** Quality (failures counted as wrong) against cost per request, one labelled point per model. */
function qualityCostChart(rows: readonly BenchSummaryRow[], models: readonly string[]): string {
  const width = 640;
  const height = 360;
  const m = { left: 60, right: 20, top: 20, bottom: 50 };
  const all = rows.filter((r) => r.task === 'all');
  const maxCost = Math.max(...all.map((r) => (Number.isFinite(r.costPerRequestUsd) ? r.costPerRequestUsd : 0)), 1e-9);
  const x = (cost: number): number => m.left + ((Number.isFinite(cost) ? cost : 0) / maxCost) * (width - m.left - m.right);
  const y = (quality: number): number => height - m.bottom - quality * (height - m.top - m.bottom);
  const parts: string[] = [];
  for (let q = 0; q <= 1.0001; q += 0.25) {
    parts.push(`<line x1="${m.left}" x2="${width - m.right}" y1="${y(q)}" y2="${y(q)}" stroke="#ddd"/><text x="${m.left - 6}" y="${y(q) + 4}" text-anchor="end" font-size="11">${q.toFixed(2)}</text>`);
  }
  for (let i = 0; i <= 4; i += 1) {
    const cost = (maxCost * i) / 4;
    parts.push(`<text x="${x(cost)}" y="${height - m.bottom + 16}" text-anchor="middle" font-size="11">${escapeHtml(usd(cost))}</text>`);
  }
  // Points often coincide (cheap models, equal scores): each label gets its own line, joined to its point.
  const labelStep = 15;
  all.forEach((row, index) => {
    const color = COLORS[models.indexOf(row.model) % COLORS.length] as string;
    const q = row.qualityWithErrors ?? 0;
    const px = x(row.costPerRequestUsd);
    const py = y(q);
    const rightHalf = px > m.left + (width - m.left - m.right) / 2;
    const ly = Math.max(m.top + 10, Math.min(height - m.bottom - 6, py - 12 - index * labelStep));
    const lx = rightHalf ? px - 10 : px + 10;
    parts.push(`<line x1="${px}" y1="${py}" x2="${lx}" y2="${ly - 4}" stroke="${color}" stroke-opacity="0.5"/>`);
    parts.push(`<circle cx="${px}" cy="${py}" r="6" fill="${color}"><title>${escapeHtml(`${row.model}: quality ${fixed(q, 3)}, ${usd(row.costPerRequestUsd)} per request`)}</title></circle>`);
    parts.push(`<text x="${lx}" y="${ly}" font-size="12" fill="${color}" text-anchor="${rightHalf ? 'end' : 'start'}">${escapeHtml(row.model)}</text>`);
  });
  parts.push(`<text x="${width / 2}" y="${height - 10}" text-anchor="middle" font-size="12">cost per request (USD)</text>`);
  parts.push(`<text x="14" y="${height / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${height / 2})">quality</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="quality against cost">${parts.join('')}</svg>`;
}

/** Box plots (p5, p25, p50, p75, p95) of a latency per model. */
function latencyChart(records: readonly BenchRecord[], models: readonly string[], field: 'ttftMs' | 'totalMs', title: string): string {
  const rowHeight = 34;
  const m = { left: 170, right: 30, top: 30, bottom: 40 };
  const width = 640;
  const height = m.top + m.bottom + rowHeight * models.length;
  const series = models.map((model) => records.filter((r) => r.model === model && r.error === undefined).map((r) => r[field] ?? 0));
  const max = Math.max(1, ...series.map((values) => percentile(values, 95)).filter(Number.isFinite));
  const x = (ms: number): number => m.left + (Math.min(ms, max) / max) * (width - m.left - m.right);
  const parts = [`<text x="${m.left}" y="18" font-size="13" font-weight="bold">${escapeHtml(title)}</text>`];
  for (let i = 0; i <= 4; i += 1) {
    const ms = (max * i) / 4;
    parts.push(`<line x1="${x(ms)}" x2="${x(ms)}" y1="${m.top}" y2="${height - m.bottom}" stroke="#eee"/><text x="${x(ms)}" y="${height - m.bottom + 16}" text-anchor="middle" font-size="11">${ms.toFixed(0)} ms</text>`);
  }
  models.forEach((model, index) => {
    const values = series[index] as number[];
    const cy = m.top + rowHeight * index + rowHeight / 2;
    const color = COLORS[index % COLORS.length] as string;
    parts.push(`<text x="${m.left - 8}" y="${cy + 4}" text-anchor="end" font-size="12">${escapeHtml(model)}</text>`);
    if (values.length === 0) return;
    const [p5, p25, p50, p75, p95] = [5, 25, 50, 75, 95].map((p) => percentile(values, p)) as [number, number, number, number, number];
    parts.push(
      `<g><title>${escapeHtml(`${model}: p5 ${p5.toFixed(0)}, p25 ${p25.toFixed(0)}, p50 ${p50.toFixed(0)}, p75 ${p75.toFixed(0)}, p95 ${p95.toFixed(0)} ms (n=${values.length})`)}</title>` +
        `<line x1="${x(p5)}" x2="${x(p95)}" y1="${cy}" y2="${cy}" stroke="${color}"/>` +
        `<rect x="${x(p25)}" y="${cy - 9}" width="${Math.max(x(p75) - x(p25), 1)}" height="18" fill="${color}" fill-opacity="0.35" stroke="${color}"/>` +
        `<line x1="${x(p50)}" x2="${x(p50)}" y1="${cy - 9}" y2="${cy + 9}" stroke="${color}" stroke-width="2"/></g>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">${parts.join('')}</svg>`;
}

function qualityTable(rows: readonly BenchSummaryRow[], models: readonly string[]): string {
  const tasks = [...new Set(rows.filter((r) => r.task !== 'all').map((r) => r.task))].sort();
  const head = `<tr><th>model</th>${tasks.map((t) => `<th>${escapeHtml(t)}</th>`).join('')}<th>all</th></tr>`;
  const body = models
    .map((model) => {
      const cells = [...tasks, 'all'].map((task) => {
        const q = rows.find((r) => r.model === model && r.task === task)?.qualityWithErrors ?? null;
        const shade = q === null ? '#fff' : `hsl(${Math.round(q * 120)}, 70%, 85%)`;
        return `<td style="background:${shade}">${fixed(q, 2)}</td>`;
      });
      return `<tr><th>${escapeHtml(model)}</th>${cells.join('')}</tr>`;
    })
    .join('');
  return `<table>${head}${body}</table>`;
}

function summaryTable(rows: readonly BenchSummaryRow[]): string {
  const head = '<tr><th>model</th><th>task</th><th>n</th><th>errors</th><th>quality</th><th>TTFT p50 / p95 ms</th><th>total p50 / p95 ms</th><th>output tok/s</th><th>cost</th><th>cost / request</th></tr>';
  const body = rows
    .map(
      (r) =>
        `<tr${r.task === 'all' ? ' class="all"' : ''}><td>${escapeHtml(r.model)}</td><td>${escapeHtml(r.task)}</td><td>${r.requests}</td><td>${r.errors}</td><td>${fixed(r.quality, 3)} (${r.scored} graded)</td>` +
        `<td>${fixed(r.ttftP50Ms, 0)} / ${fixed(r.ttftP95Ms, 0)}</td><td>${fixed(r.totalP50Ms, 0)} / ${fixed(r.totalP95Ms, 0)}</td><td>${fixed(r.outputTokensPerSecond, 1)}</td><td>${usd(r.costUsd)}</td><td>${usd(r.costPerRequestUsd)}</td></tr>`,
    )
    .join('');
  return `<table>${head}${body}</table>`;
}

/** A self-contained HTML report: charts as inline SVG, no scripts, nothing fetched. */
export function renderBenchHtml(input: { title: string; generatedAt: string; suite: string; url: string; models: readonly string[]; records: readonly BenchRecord[]; rows: readonly BenchSummaryRow[] }): string {
  const failed = input.records.filter((r) => r.error !== undefined);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:12px 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}tr.all td{font-weight:bold;background:#f6f6f6}section{margin-bottom:28px}</style>
</head><body>
<h1>${escapeHtml(input.title)}</h1>
<p>Suite <code>${escapeHtml(input.suite)}</code> through <code>${escapeHtml(input.url)}</code>, ${escapeHtml(input.generatedAt)}. ${input.records.length} calls, ${failed.length} failed. Quality is the mean score of each item's own scorer; failed calls count as wrong in the charts and the task table.</p>
<section><h2>Quality against cost</h2>${qualityCostChart(input.rows, input.models)}</section>
<section><h2>Latency</h2>${latencyChart(input.records, input.models, 'ttftMs', 'Time to first token')}${latencyChart(input.records, input.models, 'totalMs', 'Total latency')}</section>
<section><h2>Quality per task</h2>${qualityTable(input.rows, input.models)}</section>
<section><h2>Summary</h2>${summaryTable(input.rows)}</section>
</body></html>
`;
}
