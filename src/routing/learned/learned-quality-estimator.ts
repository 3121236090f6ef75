import type { QualityEstimator } from '../quality-estimator.js';
import type { LearnedQualityModel, PromptAssessment } from './learned-quality-model.js';

/**
 * The learned model as the scorer's quality hook, bound to one request's prompt (the hook sees
 * only profiles, so the text comes in here): the prompt is assessed once per task and each
 * candidate costs one dot product. Deployments the weights know are matched by model name or
 * id; any other gets its configured or benchmarked quality for the task mapped onto the
 * learned scale, so a new model needs no retraining.
 *
 *   decide({ ..., deps: { quality: learnedQualityEstimator(model, lastUserText) } })
 */
export function learnedQualityEstimator(model: LearnedQualityModel, prompt: string): QualityEstimator {
  const assessments = new Map<string, PromptAssessment>();
  return {
    name: 'learned',
    estimate({ profile, request }) {
      const task = model.taskForType(request.task);
      let assessment = assessments.get(task);
      if (!assessment) {
        assessment = model.assess(prompt, task);
        assessments.set(task, assessment);
      }
      const name = model.knows(profile.model) ? profile.model : profile.id;
      const declared = profile.quality[request.task] ?? profile.quality.default;
      const prediction = model.predict(assessment, name, declared) ?? { quality: declared, basis: 'declared' as const, ability: 0 };
      const scale = assessment.task === '*' ? 'all tasks' : assessment.task;
      return {
        quality: prediction.quality,
        basis:
          prediction.basis === 'learned'
            ? `learned model (${scale} scale, ability ${prediction.ability.toFixed(2)}, prompt difficulty ${assessment.difficulty.toFixed(2)})`
            : `declared quality ${declared.toFixed(2)} mapped to ability ${prediction.ability.toFixed(2)} on the learned ${scale} scale (prompt difficulty ${assessment.difficulty.toFixed(2)})`,
      };
    },
  };
}
