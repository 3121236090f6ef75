import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayAccess } from '../engine/gateway-accounting.js';
import type { AdminAccess } from './admin-access.js';
import type { EndpointHandler, Exchange } from './exchange.js';
import { queryParams } from './query-params.js';
import { readJsonBody } from './read-json-body.js';
import { sendJson } from './send-response.js';
import type { RouteTable } from './telemetry-routes.js';

export interface AdminRoutesOptions {
  /** Checks the admin (master) key. */
  access: AdminAccess;
  maxBodyBytes?: number;
}

const ADMIN_BODY_BYTES = 64 * 1024;

/** The path's segments after `prefix` (`/admin/keys/<id>/revoke` -> [id, 'revoke']), decoded. */
function segmentAfter(path: string, prefix: string): string[] {
  return path
    .slice(prefix.length)
    .split('/')
    .filter((part) => part !== '')
    .map((part) => decodeURIComponent(part));
}

function queryObject(exchange: Exchange): Record<string, string> {
  return Object.fromEntries(queryParams(exchange));
}

/**
 * Keys, budgets and spend on the admin API, guarded by the admin key. With keys required and no
 * admin key set, the routes refuse every call: otherwise anyone could mint keys.
 */
export function adminRoutes(accounting: GatewayAccess, options: AdminRoutesOptions): RouteTable {
  const { access } = options;
  const maxBody = options.maxBodyBytes ?? ADMIN_BODY_BYTES;
  const admin = accounting.admin;
  const guard = (run: (exchange: Exchange) => Promise<{ status: number; body: unknown }>): EndpointHandler => {
    return async (exchange) => {
      if (!access.enabled && accounting.keysRequired) {
        throw new GatewayError('forbidden', 'The admin API is off: keys are required but no admin key is set. Set SWITCHYARD_ADMIN_KEY and restart.');
      }
      access.check(exchange);
      const { status, body } = await run(exchange);
      sendJson(exchange, status, body);
    };
  };
  const ok = (body: unknown): { status: number; body: unknown } => ({ status: 200, body });
  const keyById = (exchange: Exchange): { id: string; action: string | undefined } => {
    const [id, action, ...rest] = segmentAfter(exchange.path, '/admin/keys/');
    if (id === undefined || rest.length > 0 || (action !== undefined && action !== 'revoke')) {
      throw new GatewayError('not_found', `No endpoint ${exchange.method} ${exchange.path}.`);
    }
    return { id, action };
  };
  return {
    '/admin/keys': {
      POST: guard(async (exchange) => ({ status: 201, body: await admin.createKey(await readJsonBody(exchange.req, maxBody)) })),
      GET: guard(async (exchange) => ok(await admin.listKeys(queryObject(exchange)))),
    },
    '/admin/keys/*': {
      GET: guard(async (exchange) => {
        const { id, action } = keyById(exchange);
        if (action !== undefined) throw new GatewayError('method_not_allowed', `GET is not allowed on ${exchange.path}; use POST.`);
        return ok(await admin.getKey(id));
      }),
      DELETE: guard(async (exchange) => {
        const { id, action } = keyById(exchange);
        if (action !== undefined) throw new GatewayError('method_not_allowed', `DELETE is not allowed on ${exchange.path}; use POST.`);
        return ok(await admin.revokeKey(id));
      }),
      POST: guard(async (exchange) => {
        const { id, action } = keyById(exchange);
        if (action !== 'revoke') throw new GatewayError('method_not_allowed', `POST is not allowed on ${exchange.path}; use GET or DELETE.`);
        return ok(await admin.revokeKey(id));
      }),
    },
    '/admin/budgets': {
      PUT: guard(async (exchange) => ok(await admin.setBudget(await readJsonBody(exchange.req, maxBody)))),
      POST: guard(async (exchange) => ok(await admin.setBudget(await readJsonBody(exchange.req, maxBody)))),
      GET: guard(async (exchange) => ok(await admin.getBudgets(queryObject(exchange)))),
    },
    '/admin/budgets/*': {
      DELETE: guard(async (exchange) => {
        const [id, ...rest] = segmentAfter(exchange.path, '/admin/budgets/');
        if (id === undefined || rest.length > 0) throw new GatewayError('not_found', `No endpoint DELETE ${exchange.path}.`);
        return ok(await admin.deleteBudget(id));
      }),
    },
    '/admin/spend': {
      GET: guard(async (exchange) => ok(await admin.spendReport(queryObject(exchange)))),
    },
    '/admin/reservations': {
      GET: guard(() => {
        const held = accounting.reservations();
        return Promise.resolve(ok({ count: held.count, total_usd: held.totalUsd }));
      }),
    },
  };
}
