import type { RoutingEvaluation } from './evaluate-routing.js';

const WIDTH = 960;
const HEIGHT = 620;
const MARGIN = { left: 70, right: 230, top: 40, bottom: 60 };
const COLORS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];

/**
 * Quality against cost (as % of the reference model's, log scale) for every policy: routers as
 * lines through their knob settings, single models as dots, a dashed line at 95 % and 98 % of the
 * reference quality. Plain SVG, so it opens anywhere and diffs as text.
 */
export function renderCurvesSvg(evaluation: RoutingEvaluation): string {
  const reference = evaluation.policies.find((p) => p.name === evaluation.reference);
  const refCost = reference?.costUsd ?? 1;
  const refQuality = reference?.quality ?? 1;
  const points = evaluation.policies.flatMap((p) => p.curve.map((c) => ({ x: pct(c.costUsd, refCost), y: c.quality })));
  const xs = points.map((p) => p.x).filter((x) => x > 0);
  const minX = Math.max(0.01, Math.min(...xs, 100) / 1.5);
  const maxX = Math.max(...xs, 100) * 1.2;
  const minY = Math.max(0, Math.floor((Math.min(...points.map((p) => p.y)) - 0.02) * 20) / 20);
  const maxY = Math.min(1, Math.ceil((Math.max(...points.map((p) => p.y)) + 0.02) * 20) / 20);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number): number => MARGIN.left + ((Math.log10(Math.max(minX, x)) - Math.log10(minX)) / (Math.log10(maxX) - Math.log10(minX))) * plotW;
  const sy = (y: number): number => MARGIN.top + (1 - (y - minY) / Math.max(1e-9, maxY - minY)) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="15">Routing quality vs cost (${escape(protocolText(evaluation))}, ${evaluation.examples} prompts)</text>`,
  ];
  for (const tick of logTicks(minX, maxX)) {
    out.push(`<line x1="${f(sx(tick))}" y1="${MARGIN.top}" x2="${f(sx(tick))}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`);
    out.push(`<text x="${f(sx(tick))}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${tick}%</text>`);
  }
  for (let y = minY; y <= maxY + 1e-9; y += 0.05) {
    out.push(`<line x1="${MARGIN.left}" y1="${f(sy(y))}" x2="${MARGIN.left + plotW}" y2="${f(sy(y))}" stroke="#eee"/>`);
    out.push(`<text x="${MARGIN.left - 8}" y="${f(sy(y) + 4)}" text-anchor="end">${y.toFixed(2)}</text>`);
  }
  for (const share of [0.95, 0.98]) {
    const y = share * refQuality;
    if (y < minY || y > maxY) continue;
    out.push(`<line x1="${MARGIN.left}" y1="${f(sy(y))}" x2="${MARGIN.left + plotW}" y2="${f(sy(y))}" stroke="#999" stroke-dasharray="4 4"/>`);
    out.push(`<text x="${MARGIN.left + plotW - 4}" y="${f(sy(y) - 4)}" text-anchor="end" fill="#666">${share * 100}% of ${escape(evaluation.reference)}</text>`);
  }
  out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 16}" text-anchor="middle">cost, % of ${escape(evaluation.reference)} (log scale)</text>`);
  out.push(`<text transform="translate(18 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">average quality</text>`);

  let legendY = MARGIN.top + 10;
  let color = 0;
  for (const policy of evaluation.policies) {
    const coords = policy.curve.map((c) => ({ x: sx(pct(c.costUsd, refCost)), y: sy(c.quality) })).sort((a, b) => a.x - b.x);
    const legendX = MARGIN.left + plotW + 16;
    if (coords.length > 1) {
      const stroke = COLORS[color % COLORS.length] ?? '#000';
      color += 1;
      out.push(`<polyline fill="none" stroke="${stroke}" stroke-width="2" points="${coords.map((c) => `${f(c.x)},${f(c.y)}`).join(' ')}"/>`);
      out.push(`<line x1="${legendX}" y1="${legendY - 4}" x2="${legendX + 22}" y2="${legendY - 4}" stroke="${stroke}" stroke-width="2"/>`);
    } else {
      const c = coords[0];
      const fill = policy.name === 'oracle' ? '#000' : '#777';
      if (c) {
        out.push(`<circle cx="${f(c.x)}" cy="${f(c.y)}" r="4" fill="${fill}"/>`);
        out.push(`<text x="${f(c.x + 6)}" y="${f(c.y - 6)}" font-size="10" fill="#444">${escape(shortName(policy.name))}</text>`);
      }
      out.push(`<circle cx="${legendX + 11}" cy="${legendY - 4}" r="4" fill="${fill}"/>`);
    }
    out.push(`<text x="${legendX + 28}" y="${legendY}">${escape(shortName(policy.name))}</text>`);
    legendY += 18;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function protocolText(evaluation: RoutingEvaluation): string {
  return evaluation.protocol.kind === 'k-fold' ? `${evaluation.protocol.folds}-fold cross-validation` : 'separate training file';
}

function pct(cost: number, reference: number): number {
  return reference > 0 ? (cost / reference) * 100 : 0;
}

function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  for (let decade = 10 ** Math.floor(Math.log10(min)); decade <= max; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const v = Number((decade * m).toPrecision(2));
      if (v >= min && v <= max) ticks.push(v);
    }
  }
  return ticks;
}

function f(v: number): string {
  return v.toFixed(1);
}

function shortName(name: string): string {
  return name.length > 28 ? `${name.slice(0, 27)}…` : name;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
