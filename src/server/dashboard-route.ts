import { readFile, access as fileAccess } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { GatewayError } from '../errors/gateway-error.js';
import type { Telemetry } from '../telemetry/create-telemetry.js';
import type { AdminAccess } from './admin-access.js';
import { windowParam } from './admin-stats-route.js';
import type { EndpointHandler, Exchange } from './exchange.js';
import { queryParams } from './query-params.js';
import { sendJson } from './send-response.js';

/** The cookie lasts a working day; the key itself is never stored in the browser. */
const COOKIE_SECONDS = 12 * 3600;

const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // The page is ours alone: no inline script, no third-party origin, no framing; no referrer so a `?key=` never leaks.
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'referrer-policy': 'no-referrer',
};

const ASSETS: Record<string, string> = {
  'dashboard.html': 'text/html; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'login.html': 'text/html; charset=utf-8',
};

/** `web/` next to `src/` when run from source, or two levels further up when run from `dist/`. */
async function findWebDir(): Promise<string> {
  for (const relative of ['../../web/', '../../../web/']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    try {
      await fileAccess(`${dir}dashboard.html`);
      return dir;
    } catch {
      // Try the next layout.
    }
  }
  throw new GatewayError('invalid_config', 'The dashboard assets (web/dashboard.html) are missing from the installation.');
}

function send(exchange: Exchange, status: number, type: string, body: Buffer, extra: Record<string, string> = {}): void {
  exchange.status = status;
  exchange.res.writeHead(status, { 'content-type': type, 'content-length': body.byteLength, ...PAGE_HEADERS, ...extra });
  exchange.res.end(body);
}

export interface DashboardRoutesOptions {
  /** Where the page's files are; found next to the package otherwise. */
  webDir?: string;
}

/**
 * `GET /dashboard` (the page), its two assets, and `GET /admin/dashboard.json` (what the page
 * polls). Files are read once here, never per request. With an admin key, open the page once
 * as `/dashboard?key=<admin key>`: it sets an HttpOnly cookie holding a digest of the key and
 * redirects to the bare URL; a bearer header works too.
 */
export async function dashboardRoutes(telemetry: Telemetry, access: AdminAccess, options: DashboardRoutesOptions = {}): Promise<Record<string, Partial<Record<string, EndpointHandler>>>> {
  const dir = options.webDir ?? (await findWebDir());
  const files = new Map<string, Buffer>();
  for (const name of Object.keys(ASSETS)) files.set(name, await readFile(`${dir.endsWith('/') ? dir : `${dir}/`}${name}`));
  const asset = (name: string): EndpointHandler => (exchange) => {
    send(exchange, 200, ASSETS[name]!, files.get(name)!);
    return Promise.resolve();
  };
  const page: EndpointHandler = (exchange) => {
    if (access.enabled) {
      const key = queryParams(exchange).get('key');
      if (key !== null) {
        if (!access.matches(key)) {
          send(exchange, 401, ASSETS['login.html']!, files.get('login.html')!);
          return Promise.resolve();
        }
        exchange.status = 303;
        exchange.res.writeHead(303, { location: '/dashboard', 'set-cookie': access.cookieFor(COOKIE_SECONDS), ...PAGE_HEADERS, 'content-length': 0 });
        exchange.res.end();
        return Promise.resolve();
      }
      try {
        access.check(exchange);
      } catch {
        send(exchange, 401, ASSETS['login.html']!, files.get('login.html')!);
        return Promise.resolve();
      }
    }
    send(exchange, 200, ASSETS['dashboard.html']!, files.get('dashboard.html')!);
    return Promise.resolve();
  };
  const snapshot: EndpointHandler = async (exchange) => {
    access.check(exchange);
    const windowMs = windowParam(queryParams(exchange), '15m') ?? telemetry.stats.maxWindowMs;
    sendJson(exchange, 200, await telemetry.dashboard(Math.min(windowMs, telemetry.stats.maxWindowMs)), { 'cache-control': 'no-store' });
  };
  return {
    '/dashboard': { GET: page },
    '/dashboard/': { GET: page },
    '/dashboard/dashboard.css': { GET: asset('dashboard.css') },
    '/dashboard/dashboard.js': { GET: asset('dashboard.js') },
    '/admin/dashboard.json': { GET: snapshot },
  };
}
