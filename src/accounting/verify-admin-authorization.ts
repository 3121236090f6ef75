import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../errors/gateway-error.js';

/**
 * Checks an `Authorization: Bearer <master key>` header for `/admin/*`. Both sides are hashed
 * first so that the comparison takes the same time whatever the length of the guess.
 */
export function verifyAdminAuthorization(authorization: string | undefined, masterKey: string): void {
  const token = authorization === undefined ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization.trim())?.[1];
  if (token === undefined) throw new GatewayError('unauthorized', 'Missing admin key: send it as "Authorization: Bearer <master key>".');
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  if (masterKey === '' || !timingSafeEqual(digest(token), digest(masterKey))) {
    throw new GatewayError('unauthorized', 'Invalid admin key.');
  }
}
