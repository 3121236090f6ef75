import type { RoutingEvaluation } from './evaluate-routing.js';

/** Plain-text comparison table (no colour: it is often piped or saved). */
export function formatRoutingTable(evaluation: RoutingEvaluation): string {
  const protocol =
    evaluation.protocol.kind === 'k-fold'
      ? `${evaluation.protocol.folds}-fold cross-validation`
      : `trained on ${evaluation.protocol.trainExamples} other examples`;
  const lines = [
    `${evaluation.examples} prompts, ${evaluation.models.length} models, ${protocol}; reference: ${evaluation.reference}`,
    '',
  ];
  const header = ['policy', 'quality', 'cost $', 'q % ref', 'cost % ref', '@95%', '@98%', '@100%', 'auc', 'top models (default knob)'];
  const rows = evaluation.policies.map((p) => [
    p.name,
    p.quality.toFixed(3),
    p.costUsd.toFixed(2),
    p.qualityPctOfReference.toFixed(1),
    p.costPctOfReference.toFixed(1),
    pct(p.costPctAt95),
    pct(p.costPctAt98),
    pct(p.costPctAt100),
    p.auc.toFixed(3),
    Object.entries(p.traffic)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([m, s]) => `${shortName(m)} ${(s * 100).toFixed(0)}%`)
      .join(', '),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const render = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c === 0 || c === cells.length - 1 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ').trimEnd();
  lines.push(render(header), render(widths.map((w) => '-'.repeat(w))), ...rows.map(render));
  lines.push('', '@95% / @98% / @100%: lowest cost (% of the reference) at which the curve reaches that share of its quality; - never.');
  return lines.join('\n');
}

function pct(v: number | null): string {
  return v === null ? '-' : `${v.toFixed(1)}%`;
}

function shortName(model: string): string {
  const slash = model.lastIndexOf('/');
  return slash >= 0 ? model.slice(slash + 1) : model;
}
