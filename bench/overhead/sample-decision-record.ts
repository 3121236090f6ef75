import type { DecisionRecord } from '../../src/telemetry/decision-record.js';

/** A decision record as the overhead bench's json requests log it (about 1.6 kB as JSON), for write-path measurements. */
export const SAMPLE_DECISION_RECORD: DecisionRecord = {
  id: '01a24d46-81d4-7fa5-8c33-59311621ac5b',
  requestId: '01a24d46-81c1-7e8c-9874-a22504f7e7b7',
  at: 1796592796207,
  requested: 'bench/one',
  policy: 'balanced',
  profile: {
    task: 'coding',
    taskConfidence: 0.34,
    taskSource: 'classifier',
    difficulty: 0.526,
    inputTokens: 41,
    expectedOutputTokens: 893,
    needs: {
      tools: false,
      vision: false,
      json: false,
      streaming: false,
    },
  },
  candidates: [
    {
      deploymentId: 'bench/one',
      score: 1,
      parts: {
        cost: 1,
        latency: 1,
        quality: 1,
        reliability: 1,
        weights: {
          cost: 0.2738761297390352,
          latency: 0.1369380648695176,
          quality: 0.442466450174107,
          reliability: 0.14671935521734028,
        },
      },
      estimatedCostUsd: 0.00054195,
      estimatedLatencyMs: 11128,
      expectedQuality: 0.8653,
      reasons: [
        'cost ~$0.00054 for 41 in + 893 out tokens',
        'latency ~11128 ms (TTFT 400 ms declared, retries included)',
        'quality 0.87 from coding quality 0.87 (benchmark), difficulty 0.53',
        'reliability 98.0% (not measured yet)',
      ],
    },
  ],
  excluded: [],
  reasons: [
    'task coding (classifier, confidence 0.34), difficulty 0.53',
    'policy balanced: weights cost 0.27, latency 0.14, quality 0.44, reliability 0.15',
    'difficulty 0.53: quality weight raised x1.05',
    'bench/one ranks first: quality 1.00, cost 1.00',
  ],
  result: {
    outcome: 'ok',
    status: 200,
    attempts: [
      {
        deploymentId: 'bench/one',
        role: 'first',
        outcome: 'ok',
        latencyMs: 47,
        ttftMs: 47,
      },
    ],
    firstPickFailed: false,
    costUsd: 5.22e-05,
    latencyMs: 107.35607200000004,
    winner: 'bench/one',
    usage: {
      inputTokens: 180,
      outputTokens: 42,
    },
  },
  principalId: 'key_jV4nvdtwv4ds',
  elapsedUs: 14775,
  mostExpensive: {
    deploymentId: 'bench/one',
    estimatedCostUsd: 0.00054195,
  },
};
