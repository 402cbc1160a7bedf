import type { StatsSnapshot } from '../api/protocol/index.js';

/** Stable codes of the statistics-source errors; callers branch on these, never on messages. */
export const StatsErrorCode = {
  RequestFailed: 'PACING_ERR_STATS_REQUEST_FAILED',
  TooLarge: 'PACING_ERR_STATS_TOO_LARGE',
  Validation: 'PACING_ERR_STATS_VALIDATION',
  Stale: 'PACING_ERR_STATS_STALE',
} as const;

/** One of {@link StatsErrorCode}. */
export type StatsErrorCodeValue = (typeof StatsErrorCode)[keyof typeof StatsErrorCode];

/** Base of every error the statistics client throws; `code` is stable, `cause` keeps the underlying error. */
export abstract class StatsError extends Error {
  /** Stable machine-readable code. */
  abstract readonly code: StatsErrorCodeValue;
  /** The snapshot URL concerned. */
  readonly url: string;
  constructor(message: string, url: string, options?: { cause?: unknown }) {
    super(message, options);
    this.url = url;
  }
}

/** The snapshot could not be fetched: network error, connection reset, TLS failure, timeout or non-2xx status. */
export class StatsRequestFailedError extends StatsError {
  override readonly name = 'StatsRequestFailedError';
  readonly code = StatsErrorCode.RequestFailed;
  /** HTTP status when the server answered, undefined for network-level failures. */
  readonly status: number | undefined;
  /** The server's Retry-After, ms, when it sent one (e.g. with 429 or 503): the earliest sensible next read. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    url: string,
    status: number | undefined,
    options?: { cause?: unknown; retryAfterMs?: number | undefined },
  ) {
    super(message, url, options);
    this.status = status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** The snapshot body was larger than the configured limit; the read stopped at the limit. */
export class StatsTooLargeError extends StatsError {
  override readonly name = 'StatsTooLargeError';
  readonly code = StatsErrorCode.TooLarge;
  /** The limit in bytes that was exceeded. */
  readonly maxBytes: number;
  constructor(url: string, maxBytes: number) {
    super(`statistics snapshot from ${url} exceeds ${maxBytes} bytes`, url);
    this.maxBytes = maxBytes;
  }
}

/** The body was not JSON or did not match the snapshot schema; `issues` lists the first problems by path. */
export class StatsValidationError extends StatsError {
  override readonly name = 'StatsValidationError';
  readonly code = StatsErrorCode.Validation;
  /** Short `path: message` descriptions of what did not match (at most 10). */
  readonly issues: string[];
  constructor(message: string, url: string, issues: string[], options?: { cause?: unknown }) {
    super(message, url, options);
    this.issues = issues;
  }
}

/**
 * The snapshot is valid but older than the allowed age. It is attached: its cumulative counters are still good
 * for counter deltas, only its instantaneous figures (ready agents, waiting) must not drive pacing.
 */
export class StatsStaleError extends StatsError {
  override readonly name = 'StatsStaleError';
  readonly code = StatsErrorCode.Stale;
  /** Age of the snapshot at receipt, ms. */
  readonly ageMs: number;
  /** The stale snapshot itself. */
  readonly snapshot: StatsSnapshot;
  constructor(url: string, ageMs: number, maxAgeMs: number, snapshot: StatsSnapshot) {
    super(`statistics snapshot from ${url} is ${ageMs} ms old (limit ${maxAgeMs} ms)`, url);
    this.ageMs = ageMs;
    this.snapshot = snapshot;
  }
}
