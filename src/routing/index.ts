export { analyzeRequest, analyzeRequestInDetail, type AnalyzeRequestDeps, type RequestAnalysis } from './analyze-request.js';
export { BUILT_IN_POLICIES, DEFAULT_POLICY_NAME } from './built-in-policies.js';
export { checkHardConstraints, type ConstraintContext } from './check-hard-constraints.js';
export { catalogCostEstimator, type CostEstimator } from './cost-estimator.js';
export { defaultTaskClassifier } from './default-task-classifier.js';
export { decide, type DecideDeps, type DecideInput } from './decide.js';
export { effectiveWeights, type EffectiveWeights } from './effective-weights.js';
export { estimateDifficulty, type DifficultyEstimate, type DifficultySignals } from './estimate-difficulty.js';
export { estimateLatency, type LatencyEstimate } from './estimate-latency.js';
export { estimateOutputTokens } from './estimate-output-tokens.js';
export {
  evaluateTaskClassifier,
  formatTaskClassifierEvaluation,
  type LabelledPrompt,
  type TaskClassifierEvaluation,
} from './evaluate-task-classifier.js';
export { estimateReliability, type ReliabilityEstimate } from './estimate-reliability.js';
export { LinearTaskClassifier, type TaskClassifierWeights } from './linear-task-classifier.js';
export type { Policy, PolicyConstraints, PolicyWeights } from './policy.js';
export { profileQualityEstimator, type QualityEstimate, type QualityEstimator } from './quality-estimator.js';
export { resolvePolicy } from './resolve-policy.js';
export { scoreCandidates, type CandidateEstimates } from './score-candidates.js';
export type { TaskClassifier, TaskPrediction } from './task-classifier.js';
export { extractTaskFeatures, type SparseFeatures } from './task-features.js';
