import { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';
import type { FeedbackEntry, GatewayLearning } from '../engine/learning/gateway-learning.js';
import type { DecisionLog } from '../telemetry/decision-record.js';
import type { EndpointHandler } from './exchange.js';
import { readJsonBody } from './read-json-body.js';
import { sendJson } from './send-response.js';
import { zodIssueToError } from './zod-issue-to-error.js';

const MAX_FEEDBACK_BYTES = 64 * 1024;

const feedbackSchema = z
  .object({
    decision_id: z.string().min(1).max(128),
    score: z.number().min(0).max(1).optional(),
    thumbs: z.enum(['up', 'down']).optional(),
    label: z.string().min(1).max(200).optional(),
  })
  .strict();

/**
 * `POST /v1/feedback {decision_id, score in [0, 1] | thumbs: "up" | "down", label?}`: scores the
 * answer of one decision. The decision log says which task it was and which deployment
 * answered; the score moves that pair's quality estimate for every policy at once and is kept
 * with the decision for the audit log.
 */
export function feedbackRoute(learning: GatewayLearning, decisions: DecisionLog, options: { now?: () => number } = {}): EndpointHandler {
  const now = options.now ?? Date.now;
  return async (exchange) => {
    const body = await readJsonBody(exchange.req, MAX_FEEDBACK_BYTES);
    const parsed = feedbackSchema.safeParse(body);
    if (!parsed.success) throw zodIssueToError(parsed.error);
    const input = parsed.data;
    if (input.score !== undefined && input.thumbs !== undefined) {
      throw new GatewayError('invalid_request', "Give either 'score' or 'thumbs', not both.", { param: 'thumbs' });
    }
    if (input.score === undefined && input.thumbs === undefined) {
      throw new GatewayError('invalid_request', "Missing 'score' (a number in [0, 1]) or 'thumbs' (\"up\" or \"down\").", { param: 'score' });
    }
    const score = input.score ?? (input.thumbs === 'up' ? 1 : 0);
    const record = await decisions.get(input.decision_id);
    if (record === undefined) {
      throw new GatewayError('not_found', `No decision '${input.decision_id}' in the decision log (unknown, still in flight, or past retention).`, { param: 'decision_id' });
    }
    const deploymentId = record.result.winner;
    if (deploymentId === undefined) {
      throw new GatewayError('invalid_request', `Decision '${input.decision_id}' produced no answer (${record.result.outcome}); there is nothing to score.`, { param: 'decision_id' });
    }
    const entry: FeedbackEntry = { decisionId: record.id, at: now(), task: record.profile.task, deploymentId, score };
    if (input.label !== undefined) entry.label = input.label;
    if (record.experiment !== undefined) entry.experiment = record.experiment;
    learning.recordFeedback(entry);
    const prior = record.candidates.find((c) => c.deploymentId === deploymentId)?.expectedQuality ?? 0.5;
    const estimate = learning.book.estimate(entry.task, deploymentId, prior);
    sendJson(exchange, 200, {
      object: 'feedback',
      decision_id: record.id,
      deployment: deploymentId,
      task: entry.task,
      score,
      ...(entry.label === undefined ? {} : { label: entry.label }),
      ...(entry.experiment === undefined ? {} : { experiment: entry.experiment }),
      estimate: { mean: estimate.mean, observations: estimate.observations },
    });
  };
}
