import { tracingChannel } from 'node:diagnostics_channel';
import { pino, type Logger } from 'pino';

const {
  asJsonSym,
  chindingsSym,
  endSym,
  errorKeySym,
  formattersSym,
  lsCacheSym,
  messageKeySym,
  nestedKeySym,
  serializersSym,
  stringifiersSym,
  wildcardFirstSym,
} = pino.symbols;

/** Pino's own channel around `asJson`: with a subscriber, pino's path runs so that tracing sees it. */
const asJsonChannel = tracingChannel('pino_asJson');

/**
 * `JSON.stringify` writes a lone surrogate as `\udXXX`; pino's string escaper leaves it raw.
 * Either in a line sends it to pino's path (a literal backslash before `ud8`… may too, harmlessly).
 */
const LONE_SURROGATE_ESCAPE = /\\ud[89a-f]/;

type AsJson = (this: PinoInternals, obj: unknown, msg: unknown, num: number, time: string) => string;

interface PinoInternals {
  [key: symbol]: unknown;
}

/**
 * Makes `logger` (and its children) serialise a plain log object with one `JSON.stringify`
 * instead of pino's per-property loop, producing the same line byte for byte. Pino builds the
 * line key by key with string concatenation: seven or eight intermediate strings per property,
 * about 4 kB of garbage for a request line of 600 characters. A single stringify writes the
 * properties in the same order with the same escaping (pino's escaper differs only on lone
 * surrogates, checked for) and allocates the line once.
 *
 * Anything pino would treat specially takes pino's own path, unchanged: a property with a
 * serializer or a redaction (top-level redact paths are pino's stringifiers), the error key, a
 * wildcard-first redaction pino applies itself, a nested key, a non-plain object, a value that
 * `JSON.stringify` refuses (cycles, BigInt), a non-string message, and an active pino tracer.
 * The `log` formatter runs as pino runs it; on a fallback it runs again, so it must be pure (the
 * gateway's, `censorNestedPaths`, is). The line still goes through the `streamWrite` hook.
 */
export function useSinglePassJson(logger: Logger): void {
  const internals = logger as unknown as PinoInternals;
  const generic = internals[asJsonSym] as AsJson;
  internals[asJsonSym] = function asJson(this: PinoInternals, obj: unknown, msg: unknown, num: number, time: string): string {
    return singlePass(this, obj, msg, num, time) ?? generic.call(this, obj, msg, num, time);
  } satisfies AsJson;
}

function singlePass(logger: PinoInternals, obj: unknown, msg: unknown, num: number, time: string): string | undefined {
  if (asJsonChannel.hasSubscribers || logger[nestedKeySym]) return undefined;
  if (msg !== undefined && typeof msg !== 'string') return undefined;
  const stringifiers = logger[stringifiersSym] as Record<string | symbol, unknown>;
  const serializers = logger[serializersSym] as Record<string, unknown>;
  const messageKey = logger[messageKeySym] as string;
  if (stringifiers[wildcardFirstSym] !== undefined) return undefined;
  if (msg !== undefined && (stringifiers[messageKey] !== undefined || serializers[messageKey] !== undefined)) return undefined;
  const format = (logger[formattersSym] as { log?: (object: unknown) => unknown }).log;
  const object = format === undefined ? obj : format(obj);
  if (typeof object !== 'object' || object === null) return undefined;
  const prototype: unknown = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  // An own `toJSON` would make `JSON.stringify` replace the object; pino skips it as a function.
  if ((object as { toJSON?: unknown }).toJSON !== undefined) return undefined;
  const errorKey = logger[errorKeySym] as string;
  for (const key in object) {
    if (key === errorKey || stringifiers[key] !== undefined || serializers[key] !== undefined) return undefined;
  }
  let json: string;
  try {
    json = JSON.stringify(object);
  } catch {
    return undefined;
  }
  const msgJson = msg === undefined ? '' : JSON.stringify(msg);
  if (LONE_SURROGATE_ESCAPE.test(json) || LONE_SURROGATE_ESCAPE.test(msgJson)) return undefined;
  const props = json.length > 2 ? `,${json.slice(1, -1)}` : '';
  const message = msg === undefined ? '' : `,"${messageKey}":${msgJson}`;
  return `${(logger[lsCacheSym] as Record<number, string>)[num]}${time}${logger[chindingsSym] as string}${props}${message}${logger[endSym] as string}`;
}
