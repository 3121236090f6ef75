import { loadConfig } from '../config/load-config.js';
import { buildGateway, type Gateway } from '../engine/index.js';

/**
 * A gateway built from the config (or the embedded defaults) for commands that only route or
 * read the catalog: no server, no accounting, no upstream call. The caller closes it.
 */
export async function openCliGateway(configPath: string | undefined): Promise<Gateway> {
  const loaded = await loadConfig(configPath === undefined ? {} : { path: configPath });
  return buildGateway(loaded.config);
}

/** Runs `use` with a CLI gateway and closes it, whatever happens. */
export async function withCliGateway<T>(configPath: string | undefined, use: (gateway: Gateway) => Promise<T> | T): Promise<T> {
  const gateway = await openCliGateway(configPath);
  try {
    return await use(gateway);
  } finally {
    await gateway.close();
  }
}
