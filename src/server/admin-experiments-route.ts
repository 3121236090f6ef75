import { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';
import { experimentReport } from '../engine/learning/experiment-report.js';
import type { GatewayLearning } from '../engine/learning/gateway-learning.js';
import type { DecisionLog } from '../telemetry/decision-record.js';
import type { AdminAccess } from './admin-access.js';
import type { EndpointHandler, Exchange } from './exchange.js';
import { readJsonBody } from './read-json-body.js';
import { sendJson } from './send-response.js';
import { zodIssueToError } from './zod-issue-to-error.js';

const PREFIX = '/admin/experiments/';
/** The report reads every record of the experiment still in the decision log, up to this many. */
const REPORT_SCAN = 1_000_000;

const armBodySchema = z.object({ arm: z.string().min(1) }).strict();

function splitPath(exchange: Exchange): { id: string; action?: string } {
  const rest = exchange.path.slice(PREFIX.length).split('/').map(decodeURIComponent);
  const [id, action, extra] = rest;
  if (id === undefined || id === '' || extra !== undefined) throw new GatewayError('not_found', `No endpoint ${exchange.path}.`);
  return action === undefined ? { id } : { id, action };
}

/** `GET /admin/experiments`: the configured experiments and their arms' state. */
export function adminExperimentListRoute(learning: GatewayLearning, access: AdminAccess): EndpointHandler {
  return (exchange) => {
    access.check(exchange);
    const data = learning.experimentIds().map((id) => learning.experiment(id));
    sendJson(exchange, 200, { object: 'list', data });
    return Promise.resolve();
  };
}

/**
 * `GET /admin/experiments/:id`: per-arm figures with intervals and significance;
 * `POST /admin/experiments/:id/promote {arm}` and `/stop {arm}`: change the split at once.
 */
export function adminExperimentRoutes(learning: GatewayLearning, decisions: DecisionLog, access: AdminAccess): { GET: EndpointHandler; POST: EndpointHandler } {
  return {
    GET: async (exchange) => {
      access.check(exchange);
      const { id, action } = splitPath(exchange);
      if (action !== undefined) throw new GatewayError('not_found', `No endpoint ${exchange.path}.`);
      const experiment = learning.experiment(id);
      if (experiment === undefined) throw new GatewayError('not_found', `No experiment '${id}'.`, { param: 'id' });
      const records = await decisions.query({ limit: REPORT_SCAN });
      sendJson(exchange, 200, { object: 'experiment', ...experimentReport(experiment, records, (decisionId) => learning.feedbackFor(decisionId)) });
    },
    POST: async (exchange) => {
      access.check(exchange);
      const { id, action } = splitPath(exchange);
      if (action !== 'promote' && action !== 'stop') throw new GatewayError('not_found', `No endpoint ${exchange.path}; use /promote or /stop.`);
      const parsed = armBodySchema.safeParse(await readJsonBody(exchange.req, 16 * 1024));
      if (!parsed.success) throw zodIssueToError(parsed.error);
      const experiment = action === 'promote' ? learning.promote(id, parsed.data.arm) : learning.stop(id, parsed.data.arm);
      sendJson(exchange, 200, { object: 'experiment', ...experiment });
    },
  };
}
