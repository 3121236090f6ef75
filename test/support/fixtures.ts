import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/** Reads `test/fixtures/<path>` as JSON. */
export function loadFixtureJson(path: string): unknown {
  return JSON.parse(readFileSync(join(root, path), 'utf8'));
}

/** Reads a `*.chunks.txt` fixture: one JSON payload per line, each the data of one SSE event. */
export function loadFixtureChunks(path: string): unknown[] {
  return readFileSync(join(root, path), 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as unknown);
}
