import type { TaskType } from '../../spec/task-type.js';
import type { BenchSuiteItem } from './bench-suite-item.js';
import { scoreAnswer } from './score-answer.js';
import type { JudgeCall } from './score-with-judge.js';
import { sendBenchRequest, type BenchAnswer, type BenchCall } from './send-bench-request.js';

/** One answer of one model to one item in one repetition, with its score. */
export interface BenchRecord {
  model: string;
  itemId: string;
  task: TaskType;
  repeat: number;
  scorer: BenchSuiteItem['scorer']['type'];
  /** Null when unscored (no judge) or when the call failed (see `error`). */
  score: number | null;
  detail: string;
  ttftMs?: number;
  totalMs?: number;
  outputTokens?: number;
  inputTokens?: number;
  costUsd?: number;
  deployment?: string;
  error?: string;
  answer?: string;
}

export interface RunModelBenchOptions {
  url: string;
  apiKey?: string;
  models: readonly string[];
  items: readonly BenchSuiteItem[];
  concurrency?: number;
  repeat?: number;
  /** A model the gateway serves, used to grade `judge` items. */
  judgeModel?: string;
  /** Keep answer texts in the records (for the report). */
  keepAnswers?: boolean;
  onProgress?(done: number, total: number, record: BenchRecord): void;
  /** Replaces the HTTP call (tests). */
  send?: (call: BenchCall) => Promise<BenchAnswer>;
  signal?: AbortSignal;
}

/**
 * Sends every item to every model `repeat` times through the gateway, at most `concurrency`
 * calls at once, and scores each answer with its item's scorer. Jobs are interleaved by model so
 * that every model sees the same load over time.
 */
export async function runModelBench(options: RunModelBenchOptions): Promise<BenchRecord[]> {
  const send = options.send ?? sendBenchRequest;
  const repeat = Math.max(1, options.repeat ?? 1);
  const jobs: Array<{ model: string; item: BenchSuiteItem; repeat: number }> = [];
  for (let r = 0; r < repeat; r += 1) for (const item of options.items) for (const model of options.models) jobs.push({ model, item, repeat: r });
  const base = { url: options.url, ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }), ...(options.signal ? { signal: options.signal } : {}) };
  const judgeModel = options.judgeModel;
  const judge: JudgeCall | undefined =
    judgeModel === undefined ? undefined : async (prompt) => (await send({ ...base, model: judgeModel, prompt, maxTokens: 200 })).text;

  const records: BenchRecord[] = new Array<BenchRecord>(jobs.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const index = next;
      next += 1;
      const job = jobs[index] as (typeof jobs)[number];
      const record: BenchRecord = { model: job.model, itemId: job.item.id, task: job.item.task, repeat: job.repeat, scorer: job.item.scorer.type, score: null, detail: '' };
      try {
        const call: BenchCall = { ...base, model: job.model, prompt: job.item.prompt };
        if (job.item.system !== undefined) call.system = job.item.system;
        if (job.item.maxTokens !== undefined) call.maxTokens = job.item.maxTokens;
        const answer = await send(call);
        Object.assign(record, { ttftMs: answer.ttftMs, totalMs: answer.totalMs, outputTokens: answer.outputTokens, inputTokens: answer.inputTokens });
        if (answer.costUsd !== undefined) record.costUsd = answer.costUsd;
        if (answer.deployment !== undefined) record.deployment = answer.deployment;
        if (options.keepAnswers === true) record.answer = answer.text;
        const verdict = await scoreAnswer(job.item, answer.text, judge);
        record.score = verdict.score;
        record.detail = verdict.detail;
      } catch (error) {
        if (options.signal?.aborted === true) throw error;
        record.error = error instanceof Error ? error.message : String(error);
        record.detail = 'no answer';
      }
      records[index] = record;
      done += 1;
      options.onProgress?.(done, jobs.length, record);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, jobs.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return records;
}
