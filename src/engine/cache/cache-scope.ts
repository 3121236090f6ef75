import type { RequestContext } from '../gateway.js';

/**
 * The tenant a cached answer belongs to: the caller's key, or its team when the cache is shared
 * per team. A team scope also carries the key's model allow-list, so that a key never receives an
 * answer from a model it may not use. Without keys every caller is `anonymous`.
 */
export function cacheScope(principal: RequestContext['principal'], mode: 'key' | 'team'): string {
  if (principal === undefined) return 'anonymous';
  if (mode === 'team' && principal.team !== undefined) {
    const allowed = principal.allowedModels === undefined ? '*' : [...principal.allowedModels].sort().join(',');
    return `team:${encodeURIComponent(principal.team)}:${encodeURIComponent(allowed)}`;
  }
  return `key:${encodeURIComponent(principal.keyId)}`;
}
