import type { RoutingWishes } from '../spec/routing-wishes.js';

/** Header wishes under body wishes, field by field: the body is the more specific of the two. */
export function mergeWishes(fromHeaders: RoutingWishes | undefined, fromBody: RoutingWishes | undefined): RoutingWishes | undefined {
  if (fromHeaders === undefined) return fromBody;
  if (fromBody === undefined) return fromHeaders;
  return { ...fromHeaders, ...fromBody };
}
