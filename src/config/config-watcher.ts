import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { GatewayConfig } from './config-schema.js';
import { loadConfig } from './load-config.js';

export interface ConfigWatcherOptions {
  path: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Called with each valid new config; the caller swaps it in for new requests only. */
  onReload(config: GatewayConfig): void | Promise<void>;
  /** Called when a reload fails; the old config stays in force. */
  onError(error: Error): void;
  /** Coalesces the bursts of events editors produce when saving. */
  debounceMs?: number;
}

/**
 * Reloads the config on SIGHUP and when the file changes. A bad file never replaces a good
 * config: the error is reported and the running config is kept.
 */
export function watchConfig(options: ConfigWatcherOptions): () => void {
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();

  const reload = (): void => {
    running = running.then(async () => {
      try {
        const loadOptions = options.env === undefined ? { path: options.path } : { path: options.path, env: options.env };
        const { config } = await loadConfig(loadOptions);
        await options.onReload(config);
      } catch (error) {
        options.onError(error instanceof Error ? error : new Error(String(error)));
      }
    });
  };
  const schedule = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(reload, options.debounceMs ?? 100);
  };

  let watcher: FSWatcher | undefined;
  try {
    // Editors save by writing a new file and renaming it over the old one, which ends a watch on
    // the file itself; watching the folder survives that.
    const name = basename(options.path);
    watcher = watch(dirname(options.path), { persistent: false }, (_event, changed) => {
      if (changed === null || changed === name) schedule();
    });
  } catch (error) {
    options.onError(error instanceof Error ? error : new Error(String(error)));
  }
  process.on('SIGHUP', schedule);

  return () => {
    if (timer !== undefined) clearTimeout(timer);
    watcher?.close();
    process.off('SIGHUP', schedule);
  };
}
