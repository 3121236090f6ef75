// Fails when the runtime import graph under src/ has a cycle. Type-only imports are erased at
// compile time, so they cannot form a runtime cycle and are not counted.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src');

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return listFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const importPattern = /^\s*(import|export)\s+(?!type\s)([^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]/gm;
const graph = new Map();
for (const file of listFiles(root)) {
  const text = readFileSync(file, 'utf8');
  const targets = [];
  for (const match of text.matchAll(importPattern)) {
    const clause = match[2] ?? '';
    // `import { type A, type B } from` is also erased entirely.
    if (/^\{\s*(type\s+\w+\s*,?\s*)+\}\s*from\s+$/.test(clause.trim() + ' ')) continue;
    targets.push(resolve(dirname(file), match[3].replace(/\.js$/, '.ts')));
  }
  graph.set(file, targets);
}

const state = new Map(); // 1 = on the stack, 2 = done
const stack = [];
const cycles = [];
function visit(file) {
  state.set(file, 1);
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (!graph.has(next)) continue;
    if (state.get(next) === 1) {
      cycles.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(root, f)).join(' -> '));
    } else if (!state.has(next)) {
      visit(next);
    }
  }
  stack.pop();
  state.set(file, 2);
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

if (cycles.length > 0) {
  console.error(`import cycles found:\n  ${cycles.join('\n  ')}`);
  process.exit(1);
}
