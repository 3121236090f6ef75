import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GatewayError } from '../errors/gateway-error.js';
import { SQLITE_FILENAME, SqliteStore } from '../state/sqlite-store.js';

/** What a gateway's ledger says its traffic looks like. */
export interface LedgerMix {
  /** Request rows (one per client request, whatever the number of attempts). */
  requests: number;
  /** UTC days with at least one request. */
  activeDays: number;
  /** Averages per request. */
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  /** Share of upstream attempts per deployment, largest first; shares sum to 1. */
  deployments: Array<{ deploymentId: string; share: number; attempts: number }>;
}

/**
 * Reads the token mix and the deployment mix of the SQLite ledger in `dataDir` (the one
 * `switchyard serve --data-dir` writes). WAL mode lets this read while a gateway is running.
 * Refuses a directory without a ledger rather than creating an empty one.
 */
export async function readLedgerMix(options: { dataDir: string; now?: number }): Promise<LedgerMix> {
  const dir = resolve(options.dataDir);
  if (!existsSync(join(dir, SQLITE_FILENAME))) {
    throw new GatewayError('invalid_request', `no ledger in ${dir}: expected ${SQLITE_FILENAME} written by a gateway started with --data-dir ${options.dataDir}`, { param: 'data-dir' });
  }
  const store = await SqliteStore.open({ dataDir: dir, durableLedger: false });
  try {
    const range = { from: 0, to: (options.now ?? Date.now()) + 86_400_000 };
    const days = await store.ledger.spendReport({ groupBy: 'day', ...range });
    const byDeployment = await store.ledger.spendReport({ groupBy: 'deployment', ...range });
    let requests = 0;
    let input = 0;
    let output = 0;
    let cached = 0;
    for (const day of days) {
      requests += day.count;
      input += day.inputTokens;
      output += day.outputTokens;
      cached += day.cachedInputTokens;
    }
    const attempts = byDeployment.reduce((sum, row) => sum + row.count, 0);
    const per = (total: number): number => (requests === 0 ? 0 : total / requests);
    return {
      requests,
      activeDays: days.filter((day) => day.count > 0).length,
      inputTokens: per(input),
      outputTokens: per(output),
      cachedInputTokens: per(cached),
      deployments: byDeployment
        .filter((row) => row.group !== null && row.count > 0)
        .map((row) => ({ deploymentId: row.group ?? '', attempts: row.count, share: attempts === 0 ? 0 : row.count / attempts }))
        .sort((a, b) => b.share - a.share),
    };
  } finally {
    await store.close();
  }
}
