import type { BenchSuiteItem } from './bench-suite-item.js';
import { scoreChoice } from './score-choice.js';
import { scoreCode } from './score-code.js';
import { scoreExact } from './score-exact.js';
import { scoreJsonFields } from './score-json-fields.js';
import { scoreNormalized } from './score-normalized.js';
import { scoreNumeric } from './score-numeric.js';
import { scoreRegex } from './score-regex.js';
import type { ScoreResult } from './score-result.js';
import { scoreWithJudge, type JudgeCall } from './score-with-judge.js';

/** Scores one answer with the scorer its item names. */
export async function scoreAnswer(item: BenchSuiteItem, answer: string, judge?: JudgeCall): Promise<ScoreResult> {
  const spec = item.scorer;
  switch (spec.type) {
    case 'exact':
      return scoreExact(answer, item.reference);
    case 'normalized':
      return scoreNormalized(answer, item.reference, spec);
    case 'numeric':
      return scoreNumeric(answer, item.reference, spec);
    case 'regex':
      return scoreRegex(answer, spec.pattern, spec.flags);
    case 'choice':
      return scoreChoice(answer, item.reference, spec.options);
    case 'json-fields':
      return scoreJsonFields(answer, item.reference);
    case 'code':
      return scoreCode(answer, spec);
    case 'judge':
      return scoreWithJudge(item.prompt, item.reference, answer, judge, spec.rubric);
    default: {
      const never: never = spec;
      throw new Error(`unknown scorer ${JSON.stringify(never)}`);
    }
  }
}
