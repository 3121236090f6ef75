import type { BatchRunner } from '../engine/batch/index.js';
import type { BatchProgressView } from '../telemetry/dashboard-snapshot.js';

/** The newest batch jobs of every caller as the dashboard's batches panel shows them. */
export function batchProgressViews(runner: BatchRunner, limit = 20): BatchProgressView[] {
  return runner.allBatches(limit).map((batch) => ({
    id: batch.id,
    status: batch.status,
    total: batch.total,
    completed: batch.completed,
    failed: batch.failed,
    costUsd: batch.costUsd ?? 0,
    createdAt: batch.createdAt * 1000,
  }));
}
