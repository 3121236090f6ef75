/** An uploaded file, as OpenAI's Files API describes it. */
export interface FileRecord {
  id: string;
  purpose: string;
  filename: string;
  bytes: number;
  /** Epoch seconds. */
  createdAt: number;
  /** Key id of the uploader; undefined without keys. */
  ownerKeyId?: string;
}

export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** One batch job, in OpenAI's Batch API terms; times are epoch seconds. */
export interface BatchRecord {
  id: string;
  inputFileId: string;
  endpoint: string;
  completionWindow: string;
  status: BatchStatus;
  createdAt: number;
  inProgressAt?: number;
  finalizingAt?: number;
  completedAt?: number;
  failedAt?: number;
  cancellingAt?: number;
  cancelledAt?: number;
  outputFileId?: string;
  errorFileId?: string;
  /** Why the batch failed as a whole (e.g. an invalid input file). */
  errors?: Array<{ code: string; message: string; line?: number }>;
  total: number;
  completed: number;
  failed: number;
  /** What the answered lines cost so far (USD), as their output lines report it; read, never stored. */
  costUsd?: number;
  metadata?: Record<string, string>;
  /** Who created the batch: its lines run as this caller, under its budgets and allowed models. */
  owner?: { keyId: string; owner?: string; team?: string; allowedModels?: string[] };
}

/** The settled result of one input line: a line of the output file or of the error file. */
export interface BatchLineResult {
  lineIndex: number;
  ok: boolean;
  /** The JSON text of the output or error line. */
  line: string;
}

/**
 * Lines of a batch sent to a provider's own batch API as one provider batch. Persisted before
 * the submission (`submitting`) and again with the provider's id (`submitted`), so that a
 * restart resumes polling instead of sending the lines again.
 */
export interface NativeBatchGroup {
  id: string;
  batchId: string;
  deploymentId: string;
  status: 'submitting' | 'submitted' | 'ended';
  providerBatchId?: string;
  lines: NativeBatchGroupLine[];
}

export interface NativeBatchGroupLine {
  index: number;
  /** The id the provider knows the line by (`l<index>`: provider id rules are stricter than the Batch API's). */
  customId: string;
  /** The routing decision, as plain data, for the output line and the ledger. */
  decision: unknown;
  /** Worst-case cost at the batch price, reserved while the line is pending. */
  maxCostUsd: number;
}
