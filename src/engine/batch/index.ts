export { BATCH_ENDPOINTS, BatchRunner, type BatchRunnerOptions } from './batch-runner.js';
export { openBatchRunner, type OpenBatchRunnerOptions } from './open-batch-runner.js';
export type { BatchRecord, BatchStatus, FileRecord } from '../../state/batch/batch-records.js';
