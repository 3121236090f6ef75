import type { DecisionLog, DecisionRecord } from '../../telemetry/decision-record.js';
import type { GatewayLearning } from './gateway-learning.js';

/**
 * The decision log as the audit endpoints read it: each record carries the feedback posted on
 * it. Feedback lives in its own store (records are written once and never updated), so it is
 * joined here, on read.
 */
export function annotateDecisionLog(log: DecisionLog, learning: GatewayLearning): DecisionLog {
  const annotate = (record: DecisionRecord): DecisionRecord => {
    const feedback = learning.feedbackFor(record.id);
    if (feedback.length === 0) return record;
    return { ...record, feedback: feedback.map((f) => (f.label === undefined ? { score: f.score, at: f.at } : { score: f.score, label: f.label, at: f.at })) };
  };
  const annotated: DecisionLog = {
    append: (record) => log.append(record),
    get: async (id) => {
      const record = await log.get(id);
      return record === undefined ? undefined : annotate(record);
    },
    query: async (query) => (await log.query(query)).map(annotate),
  };
  if (log.close !== undefined) annotated.close = () => log.close?.();
  return annotated;
}
