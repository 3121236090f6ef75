import { readFileSync } from 'node:fs';
import { defaultLearnedQualityModel } from '../src/routing/learned/default-learned-quality-model.js';

/**
 * Time of one learned-quality inference (feature pass over the prompt, then a prediction for
 * every known model), over the prompts of a routing data set. Run after `npm run build`:
 *   node dist/bench/learned-quality-speed.js [data/routerbench/train.jsonl]
 */
const file = process.argv[2] ?? 'data/routerbench/train.jsonl';
const rows = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim().length > 0)
  .map((line) => JSON.parse(line) as { prompt: string; task: string });
const model = defaultLearnedQualityModel();
const models = model.modelNames;
let sink = 0;
const run = (): number => {
  const started = performance.now();
  for (const row of rows) {
    const assessment = model.assess(row.prompt, row.task);
    for (const name of models) sink += model.predict(assessment, name)?.quality ?? 0;
  }
  return ((performance.now() - started) * 1000) / rows.length;
};
run();
const times = Array.from({ length: 5 }, run).sort((a, b) => a - b);
console.log(`${rows.length} prompts, ${models.length} models: median ${times[2]?.toFixed(1)} us per request (best ${times[0]?.toFixed(1)} us); checksum ${sink.toFixed(0)}`);
