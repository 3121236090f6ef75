import type { Telemetry } from '../telemetry/create-telemetry.js';
import { AdminAccess } from './admin-access.js';
import { adminDecisionSummaryRoute, adminDecisionsRoute } from './admin-decisions-route.js';
import { adminStatsRoute } from './admin-stats-route.js';
import { dashboardRoutes } from './dashboard-route.js';
import type { EndpointHandler } from './exchange.js';
import { metricsRoute } from './metrics-route.js';

export type RouteTable = Record<string, Partial<Record<string, EndpointHandler>>>;

export interface TelemetryRoutesOptions {
  /** The admin (master) key; without it the admin endpoints and the dashboard are open. */
  adminKey?: string;
  /** Require the admin key on `/metrics` too (default: open, like most scrape targets). */
  protectMetrics?: boolean;
  webDir?: string;
}

/** Every observability endpoint, ready for `createServer({ routes })`. */
export async function telemetryRoutes(telemetry: Telemetry, options: TelemetryRoutesOptions = {}): Promise<RouteTable> {
  const access = new AdminAccess(options.adminKey);
  return {
    '/metrics': { GET: metricsRoute(telemetry, options.protectMetrics === true ? (exchange) => access.check(exchange) : undefined) },
    '/admin/stats': { GET: adminStatsRoute(telemetry, access) },
    '/admin/decisions': { GET: adminDecisionsRoute(telemetry, access) },
    '/admin/decisions/summary': { GET: adminDecisionSummaryRoute(telemetry, access) },
    ...(await dashboardRoutes(telemetry, access, options.webDir === undefined ? {} : { webDir: options.webDir })),
  };
}
