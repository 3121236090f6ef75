import type { IncomingHttpHeaders } from 'node:http';
import type { RoutingWishes } from '../spec/routing-wishes.js';
import { isTaskType, TASK_TYPES } from '../spec/task-type.js';
import { GatewayError } from '../errors/gateway-error.js';

function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
}

function positiveNumber(value: string, header: string, integer = false): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new GatewayError('invalid_request', `Header '${header}' must be a positive ${integer ? 'integer' : 'number'}, got '${value}'.`, { param: header });
  }
  return number;
}

const PRIORITY_NAMES = new Set(['cost', 'latency', 'quality']);

/** `cost=2,quality=1` into weights; every name must be known and every weight non-negative. */
function parsePriorities(value: string, header: string): NonNullable<RoutingWishes['priorities']> {
  const priorities: NonNullable<RoutingWishes['priorities']> = {};
  for (const item of value.split(',')) {
    const [name, weight, ...rest] = item.split('=').map((s) => s.trim());
    const number = Number(weight);
    if (name === undefined || !PRIORITY_NAMES.has(name) || weight === undefined || weight === '' || rest.length > 0 || !Number.isFinite(number) || number < 0) {
      throw new GatewayError('invalid_request', `Header '${header}' must look like 'cost=2,latency=1,quality=1' (non-negative weights), got '${value}'.`, { param: header });
    }
    priorities[name as 'cost' | 'latency' | 'quality'] = number;
  }
  return priorities;
}

/** Routing wishes from `x-switchyard-*` headers, for clients that cannot change the body. */
export function parseRoutingHeaders(headers: IncomingHttpHeaders): { wishes?: RoutingWishes; policy?: string } {
  const priority = single(headers, 'x-switchyard-priority');
  const maxCost = single(headers, 'x-switchyard-max-cost-usd');
  const maxLatency = single(headers, 'x-switchyard-max-latency-ms');
  const allowed = single(headers, 'x-switchyard-allowed-models');
  const task = single(headers, 'x-switchyard-task');
  const timeout = single(headers, 'x-switchyard-timeout-ms');
  const policy = single(headers, 'x-switchyard-policy');
  const out: { wishes?: RoutingWishes; policy?: string } = {};
  if (policy !== undefined) out.policy = policy;
  if (priority === undefined && maxCost === undefined && maxLatency === undefined && allowed === undefined && task === undefined && timeout === undefined) return out;
  const wishes: RoutingWishes = {};
  if (priority !== undefined) wishes.priorities = parsePriorities(priority, 'x-switchyard-priority');
  if (maxCost !== undefined) wishes.maxCostUsd = positiveNumber(maxCost, 'x-switchyard-max-cost-usd');
  if (maxLatency !== undefined) wishes.maxLatencyMs = positiveNumber(maxLatency, 'x-switchyard-max-latency-ms');
  if (allowed !== undefined) wishes.allowedModels = allowed.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (task !== undefined) {
    if (!isTaskType(task)) throw new GatewayError('invalid_request', `Header 'x-switchyard-task' must be one of ${TASK_TYPES.join(', ')}, got '${task}'.`, { param: 'x-switchyard-task' });
    wishes.task = task;
  }
  if (timeout !== undefined) wishes.timeoutMs = positiveNumber(timeout, 'x-switchyard-timeout-ms', true);
  out.wishes = wishes;
  return out;
}
