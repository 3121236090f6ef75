import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteBatchStore } from '../../state/batch/sqlite-batch-store.js';
import { BatchRunner, type BatchRunnerOptions } from './batch-runner.js';

export interface OpenBatchRunnerOptions extends Omit<BatchRunnerOptions, 'store' | 'concurrency'> {
  dataDir: string;
  concurrency?: number;
}

/** The batch runner on `<dataDir>/batches.sqlite`, with unfinished batches already resumed. */
export function openBatchRunner(options: OpenBatchRunnerOptions): { runner: BatchRunner; close(): Promise<void> } {
  mkdirSync(options.dataDir, { recursive: true });
  const store = new SqliteBatchStore(join(options.dataDir, 'batches.sqlite'));
  const { dataDir: _dataDir, concurrency, ...rest } = options;
  const runner = new BatchRunner({ ...rest, store, concurrency: concurrency ?? 4 });
  runner.resume();
  return {
    runner,
    async close() {
      await runner.close();
      store.close();
    },
  };
}
