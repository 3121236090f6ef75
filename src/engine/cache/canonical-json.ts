/**
 * JSON with object keys sorted at every depth, so that two requests differing only in key order
 * (a tool's JSON Schema written by another client library) hash the same. Array order is kept:
 * it is meaningful (messages, stop sequences).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(inner).sort()) sorted[key] = (inner as Record<string, unknown>)[key];
    return sorted;
  });
}
