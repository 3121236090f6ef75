import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Reads a V8 `.cpuprofile` (from `node --cpu-prof`) and prints where the time went: self time by
 * function and by file, and inclusive time of the project's own functions, as shares of all samples.
 *
 *   node dist/bench/overhead/summarize-cpu-profile.js FILE.cpuprofile [--top 25]
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

const [file, ...rest] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: summarize-cpu-profile FILE.cpuprofile [--top N]\n');
  process.exit(2);
}
const top = Number(rest[rest.indexOf('--top') + 1] ?? 25) || 25;
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const hits = new Map<number, number>();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
// Shares are of the samples where the thread was busy: idle time says nothing about cost.
const idleIds = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
const total = profile.samples.filter((id) => !idleIds.has(id)).length;

const where = (url: string): string => {
  if (url === '') return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const shown = relative(process.cwd(), path);
  const modules = shown.lastIndexOf('node_modules/');
  return modules >= 0 ? shown.slice(modules) : shown;
};
const label = (node: ProfileNode): string => `${node.callFrame.functionName || '(anonymous)'} ${where(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;

const selfByFunction = new Map<string, number>();
const selfByFile = new Map<string, number>();
const inclusiveOwn = new Map<string, number>();
for (const [id, count] of hits) {
  const node = byId.get(id);
  if (node === undefined || idleIds.has(id)) continue;
  selfByFunction.set(label(node), (selfByFunction.get(label(node)) ?? 0) + count);
  const fileName = where(node.callFrame.url);
  selfByFile.set(fileName, (selfByFile.get(fileName) ?? 0) + count);
  // Inclusive time of project functions (dist/src, dist/bench): each distinct frame on the stack once.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = byId.get(at);
    if (frame === undefined) break;
    const url = frame.callFrame.url;
    if (!url.includes('/dist/')) continue;
    const key = label(frame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusiveOwn.set(key, (inclusiveOwn.get(key) ?? 0) + count);
  }
}

const print = (title: string, map: Map<string, number>): void => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, count] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((count / total) * 100).toFixed(1).padStart(6)}%  ${key}\n`);
  }
};
process.stdout.write(`${profile.samples.length} samples, ${total} busy (shares below are of busy samples)\n`);
print('self time by function', selfByFunction);
print('self time by file', selfByFile);
print('inclusive time of project functions', inclusiveOwn);
