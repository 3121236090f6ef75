import type { TargetName } from './targets.js';

export type ModeName = 'json' | 'stream';

export interface Cell {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  cpuSecPer1k: number;
  peakRssMb: number;
  /** Whether VmHWM was reset before this cell (else it is the peak since the process started). */
  peakRssThisRun: boolean;
}

export interface OverheadReport {
  at: string;
  node: string;
  cpus: number;
  driver: 'wrk' | 'autocannon';
  durationSec: number;
  warmupSec: number;
  switchyardFeatures: string[];
  modes: Partial<Record<ModeName, Record<string, Partial<Record<TargetName, Cell>>>>>;
}

interface Ratios {
  rpsRatioVsPortkey: number | null;
  rpsRatioVsFloor: number | null;
  addedP50RatioVsFloor: number | null;
}

type SummaryCell = Partial<Record<TargetName, { rps: number; p50: number; p99: number }>> &
  Ratios & { auto: Ratios; peakRssMb: Partial<Record<TargetName, number>> };

export type OverheadSummary = Partial<Record<ModeName, Record<string, SummaryCell>>> & { targetsMet: Record<string, boolean | null> };

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
const ratio = (a: number | undefined, b: number | undefined): number | null => (a === undefined || b === undefined || !(b > 0) ? null : round(a / b, 3));

function ratiosFor(cells: Partial<Record<TargetName, Cell>>, name: 'switchyard' | 'switchyard-auto'): Ratios {
  const target = cells[name];
  const direct = cells.direct;
  const added = (cell: Cell | undefined): number | undefined => (cell === undefined || direct === undefined ? undefined : Math.max(cell.p50Ms - direct.p50Ms, 0.001));
  return {
    rpsRatioVsPortkey: ratio(target?.rps, cells.portkey?.rps),
    rpsRatioVsFloor: ratio(target?.rps, cells.floor?.rps),
    addedP50RatioVsFloor: ratio(added(target), added(cells.floor)),
  };
}

const pad = (text: string, width: number): string => (text.length >= width ? text : ' '.repeat(width - text.length) + text);
const fmt = (value: number | null | undefined, digits = 2): string => (value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits));

/** The printed table, and the summary object `--json` prints and the results file keeps. */
export function formatOverheadTable(report: OverheadReport): { table: string; summary: OverheadSummary } {
  const summary = { targetsMet: {} } as OverheadSummary;
  const lines: string[] = [];
  const header = ['mode', 'conc', 'target', 'req/s', 'p50 ms', 'p99 ms', '+p50 ms', 'CPU s/1k', 'peak RSS MB', 'errors'];
  const widths = [6, 5, 16, 9, 8, 8, 8, 9, 12, 7];
  lines.push(header.map((h, i) => pad(h, widths[i] ?? 8)).join(' '));
  // null until a cell measures it: a run without Portkey or the floor has not met their targets.
  const met: Record<'rps5xPortkey' | 'rps60pctFloor' | 'addedP50Within1_5xFloor' | 'rssUnder150MbAt256Streams', boolean | null> = {
    rps5xPortkey: null,
    rps60pctFloor: null,
    addedP50Within1_5xFloor: null,
    rssUnder150MbAt256Streams: null,
  };
  const notes: string[] = [];
  for (const [mode, byConc] of Object.entries(report.modes) as Array<[ModeName, Record<string, Partial<Record<TargetName, Cell>>>]>) {
    for (const [conc, cells] of Object.entries(byConc)) {
      const direct = cells.direct;
      const entry = { peakRssMb: {} } as unknown as SummaryCell;
      for (const [name, cell] of Object.entries(cells) as Array<[TargetName, Cell]>) {
        entry[name] = { rps: round(cell.rps, 1), p50: round(cell.p50Ms), p99: round(cell.p99Ms) };
        entry.peakRssMb[name] = round(cell.peakRssMb, 1);
        const added = direct === undefined || name === 'direct' ? undefined : cell.p50Ms - direct.p50Ms;
        const row = [mode, conc, name, fmt(cell.rps, 0), fmt(cell.p50Ms), fmt(cell.p99Ms), fmt(added), fmt(cell.cpuSecPer1k, 3), fmt(cell.peakRssMb, 1), String(cell.errors)];
        lines.push(row.map((c, i) => pad(c, widths[i] ?? 8)).join(' '));
      }
      const own = ratiosFor(cells, 'switchyard');
      Object.assign(entry, own, { auto: ratiosFor(cells, 'switchyard-auto') });
      (summary[mode] ??= {})[conc] = entry;
      for (const [label, r] of [['switchyard', own], ['switchyard-auto', entry.auto]] as const) {
        if (cells[label] === undefined) continue;
        notes.push(
          `${mode} c=${conc} ${label}: ${fmt(r.rpsRatioVsPortkey, 1)}× Portkey req/s, ${r.rpsRatioVsFloor === null ? '—' : (r.rpsRatioVsFloor * 100).toFixed(0)}% of the floor's req/s, added p50 ${fmt(r.addedP50RatioVsFloor, 2)}× the floor's`,
        );
        if (r.rpsRatioVsPortkey !== null) met.rps5xPortkey = (met.rps5xPortkey ?? true) && r.rpsRatioVsPortkey >= 5;
        if (r.rpsRatioVsFloor !== null) met.rps60pctFloor = (met.rps60pctFloor ?? true) && r.rpsRatioVsFloor >= 0.6;
        if (r.addedP50RatioVsFloor !== null) met.addedP50Within1_5xFloor = (met.addedP50Within1_5xFloor ?? true) && r.addedP50RatioVsFloor <= 1.5;
        const rss = cells[label]?.peakRssMb;
        if (mode === 'stream' && conc === '256' && rss !== undefined) met.rssUnder150MbAt256Streams = (met.rssUnder150MbAt256Streams ?? true) && rss < 150;
      }
    }
  }
  summary.targetsMet = met;
  lines.push('', ...notes, '');
  const verdict = (value: boolean | null): string => (value === null ? 'not measured' : value ? 'met' : 'MISSED');
  lines.push(
    `targets: ≥5× Portkey ${verdict(met.rps5xPortkey)}; ≥60% of floor ${verdict(met.rps60pctFloor)}; added p50 ≤1.5× floor ${verdict(met.addedP50Within1_5xFloor)}; RSS <150 MB at 256 streams ${verdict(met.rssUnder150MbAt256Streams)}`,
  );
  lines.push(`load ${report.driver}, ${report.durationSec} s per cell after ${report.warmupSec} s warm-up, Node ${report.node}, ${report.cpus} CPUs; Switchyard with ${report.switchyardFeatures.join(', ')}`);
  return { table: lines.join('\n'), summary };
}
