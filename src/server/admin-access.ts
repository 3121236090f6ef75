import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../errors/gateway-error.js';
import type { Exchange } from './exchange.js';

/** The cookie the dashboard sets after `?key=`; it holds a digest of the key, never the key. */
export const ADMIN_COOKIE = 'switchyard_admin';

const digest = (text: string): Buffer => createHash('sha256').update(`switchyard-admin:${text}`, 'utf8').digest();

function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Guards the observability endpoints with the admin key. Accepts `Authorization: Bearer <key>`
 * or the dashboard's cookie. Without an admin key (keys disabled) everything is open.
 */
export class AdminAccess {
  private readonly expected: Buffer | undefined;

  constructor(adminKey: string | undefined) {
    this.expected = adminKey === undefined || adminKey === '' ? undefined : digest(adminKey);
  }

  get enabled(): boolean {
    return this.expected !== undefined;
  }

  /** True when the key matches; comparison in constant time over fixed-length digests. */
  matches(key: string): boolean {
    return this.expected !== undefined && timingSafeEqual(digest(key), this.expected);
  }

  /** The cookie header value that grants access for `maxAgeSeconds`. */
  cookieFor(maxAgeSeconds: number): string {
    if (this.expected === undefined) throw new Error('no admin key configured');
    return `${ADMIN_COOKIE}=${this.expected.toString('hex')}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}`;
  }

  /** Throws `unauthorized` unless the exchange carries the key or a valid cookie. */
  check(exchange: Exchange): void {
    if (this.expected === undefined) return;
    const authorization = exchange.req.headers.authorization;
    const token = authorization === undefined ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization.trim())?.[1];
    if (token !== undefined && this.matches(token)) return;
    const cookie = readCookie(exchange.req.headers.cookie, ADMIN_COOKIE);
    if (cookie !== undefined && /^[0-9a-f]{64}$/.test(cookie) && timingSafeEqual(Buffer.from(cookie, 'hex'), this.expected)) return;
    throw new GatewayError('unauthorized', token === undefined ? 'This endpoint needs the admin key: send "Authorization: Bearer <admin key>".' : 'Invalid admin key.');
  }
}
