import { gunzipSync, gzipSync } from 'node:zlib';
import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import {
  AgentDecodeMemory,
  ROSTER_TAG_HEADER,
  STATS_SNAPSHOT_TABLE_MEDIA_TYPE,
  STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE,
  StatsSnapshotSchema,
  StatsSnapshotTableSchema,
  StatsSnapshotTableV2Schema,
  decodeSnapshotTable,
  decodeSnapshotTableV2,
  parseRetryAfterMs,
  readBoundedBody,
  resolveAgentRoster,
  snapshotFormOfContentType,
  type SnapshotForm,
  type StatsSelection,
  type StatsSnapshot,
  type TaggedRoster,
} from '../api/protocol/index.js';
import {
  StatsRequestFailedError,
  StatsStaleError,
  StatsTooLargeError,
  StatsValidationError,
} from './errors.js';

/** Wall-clock time source (ms since the epoch); injected so staleness can be tested with a fixed clock. */
export interface StatsClock {
  /** Current time in ms since the epoch. */
  nowMs(): number;
}

/** Options of {@link StatsClient}; defaults live in {@link STATS_CLIENT_DEFAULTS}. */
export interface StatsClientOptions {
  /** Base URL of the statistics source; the snapshot is read from `{url}/v1/snapshot`. */
  url: string;
  /** Optional bearer token sent as `Authorization: Bearer …`; never logged or put in an error. */
  bearerToken?: string;
  /** undici dispatcher (a keep-alive Agent pool, see {@link createStatsDispatcher}). */
  dispatcher: Dispatcher;
  /** Clock used for staleness. */
  clock: StatsClock;
  /** Deadline for the whole request, headers and body, ms. */
  timeoutMs?: number;
  /** Largest accepted body, bytes (compressed and decompressed each). */
  maxBodyBytes?: number;
  /** A snapshot older than this (by its `snapshotTime`) raises {@link StatsStaleError}, ms. */
  maxAgeMs?: number;
}

/** Defaults of {@link StatsClientOptions}: 10 s timeout, 256 MiB body limit, 30 s maximum age. */
export const STATS_CLIENT_DEFAULTS = {
  timeoutMs: 10_000,
  maxBodyBytes: 256 * 1024 * 1024,
  maxAgeMs: 30_000,
} as const;

/**
 * The form a statistics answer came in: a snapshot form, or `table-v2-roster-held` for a version 2 table that left
 * out the roster this client held (see ROSTER_TAG_HEADER).
 */
export type StatsAnswerForm = SnapshotForm | 'table-v2-roster-held';

/** A fresh snapshot plus what it cost to get it. */
export interface StatsFetchResult {
  /** The validated snapshot. */
  snapshot: StatsSnapshot;
  /** now − snapshotTime at receipt, ms (0 when the source's clock is ahead of ours). */
  ageMs: number;
  /** Bytes received on the wire. */
  wireBytes: number;
  /** The form the answer came in. */
  form: StatsAnswerForm;
  /** The source answered the selection asked for (the query), not the whole snapshot. */
  isSelected: boolean;
}

const MAX_REPORTED_ISSUES = 10;
/**
 * The table forms first, the newest first (a fifth of the parsing work at 50,000 agents); a source that knows
 * neither answers the object form, which is read as before.
 */
const ACCEPT = `${STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE}, ${STATS_SNAPSHOT_TABLE_MEDIA_TYPE};q=0.9, application/json;q=0.5`;

/** Answers of a source that cannot take the snapshot query: no such route, method or feature, or a body too large. */
const QUERY_UNKNOWN: ReadonlySet<number> = new Set([404, 405, 413, 501]);

/**
 * Reads snapshots from a statistics source over HTTP. No retry inside: counters are cumulative, so the next cycle's
 * read covers a failed one. Each failure is one typed {@link StatsError}; a caller's abort rethrows the abort reason.
 */
export class StatsClient {
  readonly #snapshotUrl: string;
  readonly #queryUrl: string;
  /** Set when the source answered a query as an unknown route or method: it is asked for whole snapshots. */
  #isQueryUnsupported = false;
  readonly #authorization: string | undefined;
  readonly #dispatcher: Dispatcher;
  readonly #clock: StatsClock;
  readonly #timeoutMs: number;
  readonly #maxBodyBytes: number;
  readonly #maxAgeMs: number;
  /**
   * The roster columns of the last version 2 answer that tagged them: named in each request, so that a source
   * that finds them unchanged may leave them out (at 50,000 agents, 60 % of the answer's bytes and most of its
   * parsing). Dropped when a version 2 answer carries no tag or names a roster this client does not hold.
   */
  #roster: TaggedRoster | undefined;
  /** What the last version 2 answer's decode leaves for the next (see AgentDecodeMemory). */
  readonly #decodeMemory = new AgentDecodeMemory();
  /**
   * The last selection asked for and its gzipped body: a sharded engine asks with the same selection object every
   * cycle until its targets or shards change, and serialising it is 6 ms at 50,000 agent ids.
   */
  #selectionBody: { readonly selection: StatsSelection; readonly body: Buffer } | undefined;

  constructor(options: StatsClientOptions) {
    const base = options.url.endsWith('/') ? options.url : `${options.url}/`;
    this.#snapshotUrl = new URL('v1/snapshot', base).toString();
    this.#queryUrl = new URL('v1/snapshot/query', base).toString();
    this.#authorization = options.bearerToken ? `Bearer ${options.bearerToken}` : undefined;
    this.#dispatcher = options.dispatcher;
    this.#clock = options.clock;
    this.#timeoutMs = options.timeoutMs ?? STATS_CLIENT_DEFAULTS.timeoutMs;
    this.#maxBodyBytes = options.maxBodyBytes ?? STATS_CLIENT_DEFAULTS.maxBodyBytes;
    this.#maxAgeMs = options.maxAgeMs ?? STATS_CLIENT_DEFAULTS.maxAgeMs;
    for (const [name, value] of [
      ['timeoutMs', this.#timeoutMs],
      ['maxBodyBytes', this.#maxBodyBytes],
      ['maxAgeMs', this.#maxAgeMs],
    ] as const) {
      if (!(value > 0)) throw new RangeError(`StatsClient: ${name} must be positive, got ${value}`);
    }
  }

  /** The full snapshot URL this client reads. */
  get snapshotUrl(): string {
    return this.#snapshotUrl;
  }

  /**
   * Fetches, size-checks, parses, validates and age-checks one snapshot. With a selection it asks for that part
   * only (`POST …/v1/snapshot/query`); a source that cannot take the query (404, 405, 413 or 501) is asked for the
   * whole snapshot from then on. A selection is read as immutable: asked again with the same object, the client
   * sends the body it serialised the first time.
   */
  async fetchSnapshot(signal?: AbortSignal, selection?: StatsSelection): Promise<StatsFetchResult> {
    if (selection !== undefined && !this.#isQueryUnsupported) {
      try {
        return await this.#fetch(this.#queryUrl, signal, selection);
      } catch (error) {
        if (!(error instanceof StatsRequestFailedError) || !QUERY_UNKNOWN.has(error.status ?? 0)) throw error;
        this.#isQueryUnsupported = true;
      }
    }
    return this.#fetch(this.#snapshotUrl, signal, undefined);
  }

  /** The request body of a selection (gzipped JSON), kept for the selection object last asked with. */
  #bodyOf(selection: StatsSelection): Buffer {
    if (this.#selectionBody?.selection !== selection) {
      // 50,000 agent ids and 10,000 queue names are 890 KB of JSON; gzip level 1 makes them 139 KB.
      this.#selectionBody = { selection, body: gzipSync(JSON.stringify(selection), { level: 1 }) };
    }
    return this.#selectionBody.body;
  }

  async #fetch(
    url: string,
    signal: AbortSignal | undefined,
    selection: StatsSelection | undefined,
  ): Promise<StatsFetchResult> {
    // One deadline over headers and body: undici's own bodyTimeout is per chunk, which a slow-loris drip defeats.
    const deadline = AbortSignal.timeout(this.#timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const headers: Record<string, string> = { accept: ACCEPT, 'accept-encoding': 'gzip' };
    if (this.#authorization) headers.authorization = this.#authorization;
    // Kept for this request: the answer is read against the roster it named, whatever another request holds.
    const held = this.#roster;
    if (held !== undefined) headers[ROSTER_TAG_HEADER] = held.tag;
    if (selection !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-encoding'] = 'gzip';
    }

    let raw: Buffer;
    let encoding: string | undefined;
    let form: SnapshotForm;
    try {
      const response = await request(url, {
        method: selection === undefined ? 'GET' : 'POST',
        headers,
        ...(selection === undefined ? {} : { body: this.#bodyOf(selection) }),
        dispatcher: this.#dispatcher,
        signal: combined,
      });
      if (response.statusCode < 200 || response.statusCode >= 300) {
        await response.body.dump().catch(() => undefined);
        throw new StatsRequestFailedError(
          `statistics source ${url} answered HTTP ${response.statusCode}`,
          url,
          response.statusCode,
          { retryAfterMs: parseRetryAfterMs(response.headers['retry-after'], this.#clock.nowMs()) },
        );
      }
      const contentEncoding = response.headers['content-encoding'];
      encoding = typeof contentEncoding === 'string' ? contentEncoding.toLowerCase() : undefined;
      form = snapshotFormOfContentType(response.headers['content-type']);
      const body = await readBoundedBody(response.body, this.#maxBodyBytes);
      if (!body.ok) {
        response.body.destroy();
        throw new StatsTooLargeError(url, this.#maxBodyBytes);
      }
      raw = body.bytes;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof StatsTooLargeError || error instanceof StatsRequestFailedError) throw error;
      const reason = deadline.aborted ? `timed out after ${this.#timeoutMs} ms` : describeNetworkError(error);
      throw new StatsRequestFailedError(
        `statistics source ${url} request failed: ${reason}`,
        url,
        undefined,
        { cause: error },
      );
    }

    const [snapshot, answerForm] = this.#parse(url, raw, encoding, form, held);
    const ageMs = Math.max(0, this.#clock.nowMs() - Date.parse(snapshot.snapshotTime));
    if (ageMs > this.#maxAgeMs) throw new StatsStaleError(url, ageMs, this.#maxAgeMs, snapshot);
    return {
      snapshot,
      ageMs,
      wireBytes: raw.byteLength,
      form: answerForm,
      isSelected: selection !== undefined,
    };
  }

  #parse(
    url: string,
    raw: Buffer,
    encoding: string | undefined,
    form: SnapshotForm,
    held: TaggedRoster | undefined,
  ): [StatsSnapshot, StatsAnswerForm] {
    let text: string;
    try {
      text = (encoding === 'gzip' ? gunzipSync(raw, { maxOutputLength: this.#maxBodyBytes }) : raw).toString(
        'utf8',
      );
    } catch (error) {
      if (isBufferTooLarge(error)) throw new StatsTooLargeError(url, this.#maxBodyBytes);
      throw new StatsValidationError(`statistics snapshot from ${url} is not valid gzip`, url, [], {
        cause: error,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new StatsValidationError(`statistics snapshot from ${url} is not JSON`, url, [], {
        cause: error,
      });
    }
    switch (form) {
      case 'table-v2': {
        const parsed = StatsSnapshotTableV2Schema.safeParse(json);
        if (!parsed.success) throw invalidSnapshot(url, 'table (version 2) ', parsed.error);
        const resolved = resolveAgentRoster(parsed.data.agentTable, held);
        if (resolved.issues !== undefined) {
          // Named next time no more: the source then has to send the roster whole.
          this.#roster = undefined;
          throw new StatsValidationError(
            `statistics snapshot from ${url} does not match the table (version 2) schema: ${resolved.issues[0]}`,
            url,
            resolved.issues,
          );
        }
        this.#roster =
          resolved.tag === undefined ? undefined : { tag: resolved.tag, columns: resolved.roster };
        const isRosterHeld = !('ids' in parsed.data.agentTable);
        return [
          decodeSnapshotTableV2(parsed.data, resolved.roster, this.#decodeMemory),
          isRosterHeld ? 'table-v2-roster-held' : form,
        ];
      }
      case 'table': {
        const parsed = StatsSnapshotTableSchema.safeParse(json);
        if (!parsed.success) throw invalidSnapshot(url, 'table ', parsed.error);
        return [decodeSnapshotTable(parsed.data), form];
      }
      case 'object': {
        const parsed = StatsSnapshotSchema.safeParse(json);
        if (!parsed.success) throw invalidSnapshot(url, '', parsed.error);
        return [parsed.data, form];
      }
    }
  }
}

/** The error for a snapshot that does not match the schema of its form (`form`: '' or 'table ', say). */
function invalidSnapshot(url: string, form: string, error: z.ZodError): StatsValidationError {
  const issues = error.issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return new StatsValidationError(
    `statistics snapshot from ${url} does not match the ${form}schema: ${issues[0]}`,
    url,
    issues,
    { cause: error },
  );
}

/** Names a network failure by its code (ECONNRESET, UND_ERR_SOCKET, CERT_HAS_EXPIRED…) for the error message. */
function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}

/** True for zlib's refusal to inflate past `maxOutputLength` (checked by code: the class differs across realms). */
function isBufferTooLarge(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}
