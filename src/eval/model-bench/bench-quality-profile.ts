import { stringify } from 'yaml';
import { TASK_TYPES, type TaskType } from '../../spec/task-type.js';
import type { BenchSummaryRow } from './summarize-model-bench.js';

/** Per model, measured quality per task type plus `default` (the overall mean), in config's `quality` shape. */
export type QualityProfile = Record<string, Partial<Record<TaskType | 'default', number>>>;

const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/** Failed calls count as wrong answers here: a profile should not reward a model for erroring out. */
export function benchQualityProfile(rows: readonly BenchSummaryRow[]): QualityProfile {
  const profile: QualityProfile = {};
  for (const row of rows) {
    if (row.qualityWithErrors === null) continue;
    const entry = (profile[row.model] ??= {});
    if (row.task === 'all') entry.default = round3(row.qualityWithErrors);
    else if ((TASK_TYPES as readonly string[]).includes(row.task)) entry[row.task as TaskType] = round3(row.qualityWithErrors);
  }
  return profile;
}

/**
 * The profile as a config fragment: a `deployments` list with `id` and `quality` per model, to be
 * merged into the matching entries of a config file. JSON when `format` is `json`.
 */
export function formatQualityProfile(profile: QualityProfile, format: 'yaml' | 'json', note: string): string {
  const deployments = Object.entries(profile).map(([id, quality]) => ({ id, quality }));
  if (format === 'json') return `${JSON.stringify({ deployments }, null, 2)}\n`;
  return `# ${note}\n# Merge each entry's quality into the deployment with the same id.\n${stringify({ deployments })}`;
}
