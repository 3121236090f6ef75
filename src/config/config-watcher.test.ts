import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GatewayConfig } from './config-schema.js';
import { watchConfig } from './config-watcher.js';

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('config watcher', () => {
  it('reloads on change and on SIGHUP, and keeps the old config when the new file is bad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-watch-'));
    const path = join(dir, 'switchyard.yaml');
    writeFileSync(path, 'server: { port: 4001 }\n');
    const reloaded: GatewayConfig[] = [];
    const errors: Error[] = [];
    const stop = watchConfig({ path, env: {}, debounceMs: 20, onReload: (c) => void reloaded.push(c), onError: (e) => void errors.push(e) });
    try {
      // Saved the way editors do it: a new file renamed over the old one.
      writeFileSync(join(dir, 'tmp.yaml'), 'server: { port: 4002 }\n');
      renameSync(join(dir, 'tmp.yaml'), path);
      await waitFor(() => reloaded.some((c) => c.server.port === 4002));

      writeFileSync(path, 'server: { port: "not a number" }\n');
      await waitFor(() => errors.length > 0);
      expect(errors[0]?.message).toContain('server.port');
      expect(reloaded.at(-1)?.server.port).toBe(4002);

      writeFileSync(path, 'server: { port: 4003 }\n');
      await waitFor(() => reloaded.some((c) => c.server.port === 4003));
      const before = reloaded.length;
      process.emit('SIGHUP', 'SIGHUP');
      await waitFor(() => reloaded.length > before);
    } finally {
      stop();
    }
  });
});
