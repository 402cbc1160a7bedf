import { gunzipSync, gzipSync } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import {
  EngagementWireAnswerSchema,
  decodeEngagementAnswer,
  encodeEngagementRequest,
  readBoundedBody,
  type EngagementRequestInput,
  type EngagementTargetReport,
  type EngagementWireRequest,
} from '../api/protocol/index.js';
import { errorCodeOf } from './client-credentials-token-source.js';
import { EngagementRequestFailedError, EngagementTargetError, EngagementValidationError } from './errors.js';
import { parseRetryAfterMs } from '../api/protocol/index.js';
import { jitteredBackoffMs, type BackoffOptions } from './retry-backoff.js';

/** Where the client gets bearer tokens (a {@link ClientCredentialsTokenSource} in production). */
export interface AccessTokenSource {
  /** A currently valid access token. */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Drops `token` after a 401 so the next `getToken` fetches a fresh one. */
  invalidate(token: string): void;
}

/** Time for durations and backoff sleeps; injected so tests control it. */
export interface EngagementClock {
  /** Current time, ms. */
  nowMs(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Figures of one HTTP attempt, reported through {@link EngagementClientOptions.onRequest} for metrics. */
export interface EngagementRequestMetrics {
  /** Wall time of the attempt, ms. */
  durationMs: number;
  /** Compressed request body bytes sent. */
  requestBytes: number;
  /** Response body bytes received (as on the wire). */
  responseBytes: number;
  /** HTTP status, undefined when no answer came. */
  status: number | undefined;
  /** ok: answer used; retried: another attempt follows; failed: the exchange fails here. */
  outcome: 'ok' | 'retried' | 'failed';
}

/** Totals of one exchange (all chunks and attempts). */
export interface EngagementTransfer {
  /** From the first request to the last answer, ms. */
  durationMs: number;
  /** Compressed bytes sent. */
  requestBytes: number;
  /** Bytes received. */
  responseBytes: number;
  /** Chunks (one HTTP exchange each when nothing is retried). */
  chunks: number;
  /** HTTP attempts including retries. */
  attempts: number;
}

/** The result of one exchange: reports per target plus the targets in error (which never hide the others). */
export interface EngagementExchangeResult {
  /** The request's cycle id, echoed by every chunk's answer. */
  cycleId: number;
  /** Reports of the sent targets the platform answered for (with `error` when it also flagged them). */
  targets: EngagementTargetReport[];
  /** One per target in error: reported by the platform, unknown (not sent) or missing from the answer. */
  targetErrors: EngagementTargetError[];
  /** Bytes and time, for metrics. */
  transfer: EngagementTransfer;
}

/** Options of {@link EngagementClient}; defaults in {@link ENGAGEMENT_CLIENT_DEFAULTS}. */
export interface EngagementClientOptions {
  /** `baseServiceURL`, e.g. `https://api.mypurecloud.com/api/`. */
  baseServiceUrl: string;
  /** `targetEndpoint`, appended to `baseServiceUrl`. */
  targetEndpoint: string;
  /** Bearer tokens (OAuth2 client credentials). */
  tokenSource: AccessTokenSource;
  /** undici dispatcher (see {@link createEngagementDispatcher}; carries the forward proxy). */
  dispatcher: Dispatcher;
  /** Clock for durations and backoff. */
  clock: EngagementClock;
  /** Random source in [0, 1) for backoff jitter (seeded in tests). */
  random: () => number;
  /** Deadline of one HTTP attempt, headers and body, ms. */
  timeoutMs?: number;
  /** Above this many targets the exchange is split into several requests. */
  maxTargetsPerRequest?: number;
  /** Chunks of one cycle in flight at once (each on its own keep-alive connection). */
  maxConcurrentRequests?: number;
  /** Attempts per chunk for retryable failures (the one token refresh after a 401 is extra). */
  maxAttempts?: number;
  /** Backoff between retries. */
  backoff?: BackoffOptions;
  /** A Retry-After longer than this fails the exchange instead of waiting, ms. */
  maxRetryAfterMs?: number;
  /** Largest accepted answer, bytes (compressed and decompressed each). */
  maxResponseBytes?: number;
  /** Called after every HTTP attempt with its figures. */
  onRequest?: (metrics: EngagementRequestMetrics) => void;
}

/** Defaults of {@link EngagementClientOptions}. */
export const ENGAGEMENT_CLIENT_DEFAULTS = {
  timeoutMs: 10_000,
  maxTargetsPerRequest: 2_500,
  maxConcurrentRequests: 4,
  maxAttempts: 3,
  backoff: { baseMs: 200, maxMs: 2_000 },
  maxRetryAfterMs: 5_000,
  maxResponseBytes: 32 * 1024 * 1024,
} as const;

// Statuses that say the request was not (or need not have been) processed. Retrying is safe for every one of
// them because the platform de-duplicates on (cluster, cycle, part, publisher): see the OpenAPI file.
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
const MAX_REPORTED_ISSUES = 10;
// gzip level 4 halves the compression CPU of level 6 for about 6 % more bytes (io-bench: 8.9 vs 8.4 B/target).
const GZIP_LEVEL = 4;

/** What the answer check knows of an id: sent and not answered yet, sent and answered, or answered unsent. */
const IdSeen = { Sent: 0, SentAnswered: 1, UnknownAnswered: 2 } as const;
type IdSeen = (typeof IdSeen)[keyof typeof IdSeen];

type AttemptOutcome =
  | {
      kind: 'answer';
      status: number;
      bytes: Buffer;
      encoding: string | undefined;
      retryAfterMs: number | undefined;
    }
  | { kind: 'too-large'; status: number; bytes: number }
  | { kind: 'network'; error: unknown; timedOut: boolean };

/**
 * Publishes allowances to the engagement platform and reads back pending invitations per target: compact JSON,
 * gzip both ways, chunked above `maxTargetsPerRequest`, bearer token with one refresh on 401, jittered retries
 * only for failures that are safe to repeat. Never logs; errors name endpoints, never credentials.
 */
export class EngagementClient {
  readonly #url: string;
  readonly #options: EngagementClientOptions;
  readonly #timeoutMs: number;
  readonly #maxTargetsPerRequest: number;
  readonly #maxAttempts: number;
  readonly #maxConcurrentRequests: number;
  readonly #backoff: BackoffOptions;
  readonly #maxRetryAfterMs: number;
  readonly #maxResponseBytes: number;

  constructor(options: EngagementClientOptions) {
    this.#options = { ...options };
    this.#url = joinServiceUrl(options.baseServiceUrl, options.targetEndpoint);
    this.#timeoutMs = options.timeoutMs ?? ENGAGEMENT_CLIENT_DEFAULTS.timeoutMs;
    this.#maxTargetsPerRequest =
      options.maxTargetsPerRequest ?? ENGAGEMENT_CLIENT_DEFAULTS.maxTargetsPerRequest;
    this.#maxAttempts = options.maxAttempts ?? ENGAGEMENT_CLIENT_DEFAULTS.maxAttempts;
    this.#maxConcurrentRequests =
      options.maxConcurrentRequests ?? ENGAGEMENT_CLIENT_DEFAULTS.maxConcurrentRequests;
    this.#backoff = options.backoff ?? ENGAGEMENT_CLIENT_DEFAULTS.backoff;
    this.#maxRetryAfterMs = options.maxRetryAfterMs ?? ENGAGEMENT_CLIENT_DEFAULTS.maxRetryAfterMs;
    this.#maxResponseBytes = options.maxResponseBytes ?? ENGAGEMENT_CLIENT_DEFAULTS.maxResponseBytes;
    for (const [name, value] of [
      ['timeoutMs', this.#timeoutMs],
      ['maxTargetsPerRequest', this.#maxTargetsPerRequest],
      ['maxAttempts', this.#maxAttempts],
      ['maxConcurrentRequests', this.#maxConcurrentRequests],
      ['maxResponseBytes', this.#maxResponseBytes],
    ] as const) {
      if (!(value > 0)) throw new RangeError(`EngagementClient: ${name} must be positive, got ${value}`);
    }
  }

  /** The exchange URL (`baseServiceUrl` + `targetEndpoint`). */
  get url(): string {
    return this.#url;
  }

  /**
   * Sends one cycle's allowances (up to `maxConcurrentRequests` chunks at once: at 10,000 targets four chunks one
   * after the other took a third of the cycle) and returns the platform's reports in chunk order. Throws
   * {@link EngagementRequestFailedError}, {@link EngagementAuthError} or {@link EngagementValidationError} when a
   * chunk fails as a whole; per-target problems come back in `targetErrors`. A caller abort rethrows its reason.
   */
  async exchange(input: EngagementRequestInput, signal?: AbortSignal): Promise<EngagementExchangeResult> {
    const startedMs = this.#options.clock.nowMs();
    const transfer: EngagementTransfer = {
      durationMs: 0,
      requestBytes: 0,
      responseBytes: 0,
      chunks: 0,
      attempts: 0,
    };
    const targets: EngagementTargetReport[] = [];
    const targetErrors: EngagementTargetError[] = [];
    const chunks = [...encodeEngagementRequest(input, this.#maxTargetsPerRequest)];
    const answers: unknown[] = [];
    let next = 0;
    let hasFailed = false;
    // Each lane sends the next unsent chunk until none is left; after a failure no lane starts another chunk
    // (the exchange fails as a whole, as it did one chunk at a time).
    const lane = async (): Promise<void> => {
      while (next < chunks.length && !hasFailed) {
        const index = next++;
        const body = gzipSync(JSON.stringify(chunks[index]), { level: GZIP_LEVEL });
        transfer.chunks += 1;
        try {
          answers[index] = await this.#sendChunk(body, transfer, signal);
        } catch (error) {
          hasFailed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#maxConcurrentRequests, chunks.length) }, lane));
    chunks.forEach((chunk, index) => this.#collect(chunk, answers[index], targets, targetErrors));
    transfer.durationMs = this.#options.clock.nowMs() - startedMs;
    return { cycleId: input.cycleId, targets, targetErrors, transfer };
  }

  async #sendChunk(
    body: Buffer,
    transfer: EngagementTransfer,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    const { tokenSource, clock } = this.#options;
    let retries = 0;
    let refreshedAfter401 = false;
    for (;;) {
      const token = await tokenSource.getToken(signal);
      const attemptStartMs = clock.nowMs();
      const outcome = await this.#attempt(body, token, signal);
      transfer.attempts += 1;
      transfer.requestBytes += body.byteLength;
      const responseBytes =
        outcome.kind === 'answer'
          ? outcome.bytes.byteLength
          : outcome.kind === 'too-large'
            ? outcome.bytes
            : 0;
      transfer.responseBytes += responseBytes;
      const status = outcome.kind === 'network' ? undefined : outcome.status;
      const report = (result: EngagementRequestMetrics['outcome']): void =>
        this.#options.onRequest?.({
          durationMs: clock.nowMs() - attemptStartMs,
          requestBytes: body.byteLength,
          responseBytes,
          status,
          outcome: result,
        });

      if (outcome.kind === 'too-large') {
        report('failed');
        throw new EngagementValidationError(
          `engagement answer from ${this.#url} exceeds ${this.#maxResponseBytes} bytes`,
          this.#url,
          [`body: over ${this.#maxResponseBytes} bytes`],
        );
      }
      if (outcome.kind === 'answer' && outcome.status >= 200 && outcome.status < 300) {
        report('ok');
        return this.#decodeBody(outcome.bytes, outcome.encoding);
      }
      if (outcome.kind === 'answer' && outcome.status === 401 && !refreshedAfter401) {
        // The token may have been revoked or the secret rotated: fetch a new token once, then give up.
        refreshedAfter401 = true;
        tokenSource.invalidate(token);
        report('retried');
        continue;
      }
      const waitMs = this.#retryDelayMs(outcome, retries);
      if (waitMs === undefined) {
        report('failed');
        throw this.#failure(outcome, retries + 1);
      }
      report('retried');
      retries += 1;
      await clock.sleep(waitMs, signal);
      if (signal?.aborted) throw signal.reason;
    }
  }

  /** How long to wait before retrying, or undefined when this failure must not be retried. */
  #retryDelayMs(outcome: AttemptOutcome, retries: number): number | undefined {
    if (retries + 1 >= this.#maxAttempts) return undefined;
    if (outcome.kind === 'network') {
      // A timeout spent the cycle's budget; a reset or refused connection is worth another try.
      return outcome.timedOut
        ? undefined
        : jitteredBackoffMs(retries + 1, this.#backoff, this.#options.random);
    }
    if (outcome.kind !== 'answer' || !RETRYABLE_STATUSES.has(outcome.status)) return undefined;
    if (outcome.retryAfterMs !== undefined) {
      return outcome.retryAfterMs <= this.#maxRetryAfterMs ? outcome.retryAfterMs : undefined;
    }
    return jitteredBackoffMs(retries + 1, this.#backoff, this.#options.random);
  }

  #failure(outcome: AttemptOutcome, attempts: number): EngagementRequestFailedError {
    if (outcome.kind === 'network') {
      const why = outcome.timedOut ? `timed out after ${this.#timeoutMs} ms` : errorCodeOf(outcome.error);
      return new EngagementRequestFailedError(
        `engagement exchange ${this.#url} failed: ${why}`,
        this.#url,
        { attempts },
        { cause: outcome.error },
      );
    }
    const status = outcome.status;
    const retryAfterMs = outcome.kind === 'answer' ? outcome.retryAfterMs : undefined;
    return new EngagementRequestFailedError(
      `engagement exchange ${this.#url} answered HTTP ${status}`,
      this.#url,
      {
        status,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        attempts,
      },
    );
  }

  async #attempt(body: Buffer, token: string, signal: AbortSignal | undefined): Promise<AttemptOutcome> {
    // One deadline over headers and body: undici's bodyTimeout is per chunk, which a slow drip defeats.
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    try {
      const response = await request(this.#url, {
        method: 'POST',
        dispatcher: this.#options.dispatcher,
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          'accept-encoding': 'gzip',
          accept: 'application/json',
        },
        body,
      });
      const retryAfterMs = parseRetryAfterMs(response.headers['retry-after'], this.#options.clock.nowMs());
      const read = await readBoundedBody(response.body, this.#maxResponseBytes);
      if (!read.ok) {
        response.body.destroy();
        return { kind: 'too-large', status: response.statusCode, bytes: read.receivedBytes };
      }
      const encoding = response.headers['content-encoding'];
      return {
        kind: 'answer',
        status: response.statusCode,
        bytes: read.bytes,
        encoding: typeof encoding === 'string' ? encoding.toLowerCase() : undefined,
        retryAfterMs,
      };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      return { kind: 'network', error, timedOut: deadline.aborted };
    }
  }

  #decodeBody(bytes: Buffer, encoding: string | undefined): unknown {
    let text: string;
    try {
      text = (
        encoding === 'gzip' ? gunzipSync(bytes, { maxOutputLength: this.#maxResponseBytes }) : bytes
      ).toString('utf8');
    } catch (error) {
      const issue = isBufferTooLarge(error)
        ? `body: over ${this.#maxResponseBytes} bytes once decompressed`
        : 'body: not gzip';
      throw new EngagementValidationError(
        `engagement answer from ${this.#url} is unreadable (${issue})`,
        this.#url,
        [issue],
        {
          cause: error,
        },
      );
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new EngagementValidationError(
        `engagement answer from ${this.#url} is not JSON`,
        this.#url,
        ['body: not JSON'],
        {
          cause: error,
        },
      );
    }
  }

  /** Validates one chunk's answer against the chunk sent and adds its reports and target errors. */
  #collect(
    chunk: EngagementWireRequest,
    json: unknown,
    targets: EngagementTargetReport[],
    targetErrors: EngagementTargetError[],
  ): void {
    const parsed = EngagementWireAnswerSchema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, MAX_REPORTED_ISSUES)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw new EngagementValidationError(
        `engagement answer from ${this.#url} does not match the schema: ${issues[0]}`,
        this.#url,
        issues,
        { cause: parsed.error },
      );
    }
    if (parsed.data.cycle !== chunk.cycle) {
      throw new EngagementValidationError(
        `engagement answer from ${this.#url} is for cycle ${parsed.data.cycle}, not ${chunk.cycle}`,
        this.#url,
        [`cycle: expected ${chunk.cycle}, got ${parsed.data.cycle}`],
      );
    }
    const decoded = decodeEngagementAnswer(parsed.data);
    // One map answers both questions, was the id sent and was it answered: half the hashing of two sets over these
    // 2,500-entry lists. Index loops, not for…of (see isArrayOf).
    const seen = new Map<string, IdSeen>();
    for (let i = 0; i < chunk.targets.length; i++) seen.set(chunk.targets[i]![0], IdSeen.Sent);
    for (let i = 0; i < decoded.reports.length; i++) {
      const report = decoded.reports[i]!;
      const was = seen.get(report.id);
      if (was === IdSeen.SentAnswered || was === IdSeen.UnknownAnswered) {
        throw new EngagementValidationError(
          `engagement answer from ${this.#url} repeats target "${report.id}"`,
          this.#url,
          [`targets: duplicate id ${report.id}`],
        );
      }
      if (was === undefined) {
        seen.set(report.id, IdSeen.UnknownAnswered);
        targetErrors.push(new EngagementTargetError(this.#url, report.id, 'unknown'));
        continue;
      }
      seen.set(report.id, IdSeen.SentAnswered);
      if (report.error)
        targetErrors.push(new EngagementTargetError(this.#url, report.id, 'reported', report.error));
      targets.push(report);
    }
    for (const { id, code, message } of decoded.errorsWithoutReport) {
      const was = seen.get(id);
      const isSent = was === IdSeen.Sent || was === IdSeen.SentAnswered;
      seen.set(id, isSent ? IdSeen.SentAnswered : IdSeen.UnknownAnswered);
      targetErrors.push(
        new EngagementTargetError(
          this.#url,
          id,
          isSent ? 'reported' : 'unknown',
          isSent ? { code, message } : undefined,
        ),
      );
    }
    for (let i = 0; i < chunk.targets.length; i++) {
      const id = chunk.targets[i]![0];
      if (seen.get(id) !== IdSeen.Sent) continue;
      targetErrors.push(new EngagementTargetError(this.#url, id, 'missing'));
      seen.set(id, IdSeen.SentAnswered); // an id sent twice is missing once
    }
  }
}

/** Appends `targetEndpoint` to `baseServiceUrl` with exactly one slash between them. */
export function joinServiceUrl(baseServiceUrl: string, targetEndpoint: string): string {
  const url = `${baseServiceUrl.replace(/\/+$/, '')}/${targetEndpoint.replace(/^\/+/, '')}`;
  return new URL(url).toString();
}

/** True for zlib's refusal to inflate past `maxOutputLength` (checked by code: the class differs across realms). */
function isBufferTooLarge(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}
