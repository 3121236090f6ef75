import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { cachedIsoTime } from './cached-iso-time.js';
import { censorNestedPaths } from './censor-nested-paths.js';
import { redactCredentials } from './redact-secrets.js';
import { useSinglePassJson } from './single-pass-log-json.js';
import { batchedLogDestination } from './tick-batched-destination.js';

/**
 * Paths pino blanks before a line is written: credentials in headers and config objects, at the
 * top level and one level down (`req.headers…`, `upstream.headers…`).
 */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'headers["x-goog-api-key"]',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers["api-key"]',
  '*.headers["x-goog-api-key"]',
  '*.headers.cookie',
  'apiKey',
  '*.apiKey',
  'masterKey',
  '*.masterKey',
  'key',
  '*.key',
  // Provider settings as config holds them, logged alone or inside the whole config.
  'providers.*.apiKey',
  'providers.*.headers',
  '*.providers.*.apiKey',
  '*.providers.*.headers',
];

const CENSOR = '[REDACTED]';
const NESTED_PATHS = REDACT_PATHS.filter((path) => path.startsWith('*.'));
const TOP_LEVEL_PATHS = REDACT_PATHS.filter((path) => !path.startsWith('*.'));

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where lines go; stdout when absent. Tests pass a stream they read back. */
  destination?: DestinationStream;
  /** Fields on every line (e.g. `{ service: 'switchyard' }`). */
  base?: Record<string, unknown>;
}

/**
 * The gateway's one logger: JSON lines, ISO timestamps, level names instead of numbers, and
 * credentials censored by path and, as a safety net, by shape. It is the only thing under src/ (besides the CLI) that writes to
 * stdout.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? { service: 'switchyard' },
      timestamp: cachedIsoTime(),
      // Wildcard-first paths are applied by us before pino's own redaction of the rest (see censor-nested-paths.ts).
      formatters: { level: (label) => ({ level: label }), log: censorNestedPaths(NESTED_PATHS, CENSOR) },
      redact: { paths: [...TOP_LEVEL_PATHS], censor: CENSOR },
      // Paths cannot reach every nesting; credential-shaped strings anywhere in a line are masked too.
      hooks: { streamWrite: redactCredentials },
    },
    options.destination ?? batchedLogDestination(1),
  );
  useSinglePassJson(logger);
  return logger;
}
