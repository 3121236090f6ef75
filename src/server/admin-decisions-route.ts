import { GatewayError } from '../errors/gateway-error.js';
import { isTaskType } from '../spec/task-type.js';
import type { Telemetry } from '../telemetry/create-telemetry.js';
import type { DecisionQuery } from '../telemetry/decision-record.js';
import { summarizeDecisions } from '../telemetry/summarize-decisions.js';
import type { AdminAccess } from './admin-access.js';
import type { EndpointHandler } from './exchange.js';
import { queryParams } from './query-params.js';
import { sendJson } from './send-response.js';

const MAX_LIMIT = 1_000;
/** The summary reads every record of the period, up to this many. */
const SUMMARY_SCAN = 1_000_000;

/** Epoch milliseconds or an ISO 8601 date-time. */
function timeParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(value)) throw new GatewayError('invalid_request', `${name} must be epoch milliseconds or an ISO 8601 time; got "${raw}".`, { param: name });
  return value;
}

function decisionQuery(params: URLSearchParams): DecisionQuery {
  const query: DecisionQuery = {};
  const id = params.get('id');
  if (id !== null && id !== '') query.id = id;
  const from = timeParam(params, 'from');
  if (from !== undefined) query.from = from;
  const to = timeParam(params, 'to');
  if (to !== undefined) query.to = to;
  const task = params.get('task');
  if (task !== null && task !== '') {
    if (!isTaskType(task)) throw new GatewayError('invalid_request', `task "${task}" is not a known task type.`, { param: 'task' });
    query.task = task;
  }
  const deployment = params.get('deployment');
  if (deployment !== null && deployment !== '') query.deployment = deployment;
  const limit = params.get('limit');
  if (limit !== null && limit !== '') {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new GatewayError('invalid_request', `limit must be an integer from 1 to ${MAX_LIMIT}.`, { param: 'limit' });
    query.limit = n;
  }
  return query;
}

/** `GET /admin/decisions?id=&from=&to=&task=&deployment=&limit=`: decision records, newest first. */
export function adminDecisionsRoute(telemetry: Telemetry, access: AdminAccess): EndpointHandler {
  return async (exchange) => {
    access.check(exchange);
    const query = decisionQuery(queryParams(exchange));
    const records = await telemetry.decisions.query(query);
    if (query.id !== undefined && records.length === 0) throw new GatewayError('not_found', `No decision ${query.id} in the audit log (it may be past retention).`, { param: 'id' });
    sendJson(exchange, 200, { object: 'list', data: records });
  };
}

/** `GET /admin/decisions/summary?from=&to=`: the `switchyard audit` numbers for a period. */
export function adminDecisionSummaryRoute(telemetry: Telemetry, access: AdminAccess): EndpointHandler {
  return async (exchange) => {
    access.check(exchange);
    const params = queryParams(exchange);
    const query = decisionQuery(params);
    const records = await telemetry.decisions.query({ ...query, limit: SUMMARY_SCAN });
    const period: { from?: number; to?: number } = {};
    if (query.from !== undefined) period.from = query.from;
    if (query.to !== undefined) period.to = query.to;
    sendJson(exchange, 200, summarizeDecisions(records, period));
  };
}
