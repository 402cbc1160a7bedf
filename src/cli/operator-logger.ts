import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

/**
 * Paths removed from every log line. pino checks them when the logger is built. They cover the OAuth2 client
 * secret, bearer tokens, Authorization headers and Secret data at the top level and one level down (where
 * `err`, `secret`, `headers` and `credentials` objects put them).
 */
export const redactedLogPaths: readonly string[] = [
  'client_secret',
  'clientSecret',
  'token',
  'access_token',
  'authorization',
  'password',
  'data',
  'stringData',
  'credentials',
  '*.client_secret',
  '*.clientSecret',
  '*.token',
  '*.access_token',
  '*.authorization',
  '*.Authorization',
  '*.password',
  '*.data',
  '*.stringData',
  '*.credentials',
  '*.headers.authorization',
  '*.headers.Authorization',
];

/** Options of {@link createOperatorLogger}. */
export interface OperatorLoggerOptions {
  /** `json` (one line per event, for machines) or `pretty` (for people). */
  readonly format: 'json' | 'pretty';
  /** pino level name. */
  readonly level: string;
  /** Where lines go; stdout by default (tests pass a memory stream). */
  readonly destination?: NodeJS.WritableStream | undefined;
}

/** Builds the operator's root logger: pino JSON (or pino-pretty) with secrets redacted by path. */
export function createOperatorLogger(options: OperatorLoggerOptions): Logger {
  const base = {
    level: options.level,
    redact: { paths: [...redactedLogPaths], censor: '[REDACTED]' },
    base: { name: 'pacing-operator' },
  };
  if (options.format === 'pretty') {
    return pino(base, pinoPretty({ colorize: false, sync: true, destination: options.destination ?? 1 }));
  }
  return options.destination === undefined ? pino(base) : pino(base, options.destination);
}
