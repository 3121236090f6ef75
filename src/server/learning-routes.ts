import type { GatewayLearning } from '../engine/learning/gateway-learning.js';
import type { DecisionLog } from '../telemetry/decision-record.js';
import { AdminAccess } from './admin-access.js';
import { adminExperimentListRoute, adminExperimentRoutes } from './admin-experiments-route.js';
import { feedbackRoute } from './feedback-route.js';
import type { RouteTable } from './telemetry-routes.js';

/**
 * The endpoints of routing that learns, ready for `createServer({ routes })`: `/v1/feedback`
 * (authenticated like every `/v1/*` call by the server's hooks) and the admin experiment API
 * (admin key).
 */
export function learningRoutes(learning: GatewayLearning, decisions: DecisionLog, options: { adminKey?: string; now?: () => number } = {}): RouteTable {
  const access = new AdminAccess(options.adminKey);
  return {
    '/v1/feedback': { POST: feedbackRoute(learning, decisions, options.now === undefined ? {} : { now: options.now }) },
    '/admin/experiments': { GET: adminExperimentListRoute(learning, access) },
    '/admin/experiments/*': adminExperimentRoutes(learning, decisions, access),
  };
}
