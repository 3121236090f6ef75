import type { GatewayAccess } from '../engine/gateway-accounting.js';
import { AdminAccess } from './admin-access.js';
import { adminRoutes } from './admin-routes.js';
import { authenticateRequest } from './authenticate-request.js';
import type { ServerHooks } from './exchange.js';
import type { RouteTable } from './telemetry-routes.js';

export interface AccountingServerOptions {
  /** The admin (master) key, from `SWITCHYARD_ADMIN_KEY`. */
  adminKey?: string;
}

/** What `createServer` needs for cost control: the authentication hook and the admin routes. */
export function accountingServerOptions(access: GatewayAccess, options: AccountingServerOptions = {}): { hooks: ServerHooks; routes: RouteTable } {
  return {
    hooks: { onRequest: [authenticateRequest(access)] },
    routes: adminRoutes(access, { access: new AdminAccess(options.adminKey) }),
  };
}
