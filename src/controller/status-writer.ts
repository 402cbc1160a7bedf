import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { apiErrorStatus } from './api-error-status.js';
import { BinaryHeap } from './binary-heap.js';
import { callOnce } from './call-once.js';
import type { CancelTimer, Clock } from './clock.js';
import { controllerMetrics, type ControllerMetrics } from './controller-metrics.js';
import { ControllerConfigError } from './errors.js';
import { stableJson } from './stable-json.js';
import type { StatusObjectRef, StatusPatcher } from './status-patcher.js';
import { TokenBucket } from './token-bucket.js';

/** A status body: the object's `.status` as plain JSON. */
export type StatusBody = Record<string, unknown>;

/** Options of a {@link StatusWriter}. */
export interface StatusWriterOptions {
  /** Sends the merge patches. */
  patcher: StatusPatcher;
  /** Source of time and timers. */
  clock: Clock;
  /** Registry for pacing_status_* metrics. */
  registry: Registry;
  /** Logger; lines carry `kind`, `namespace`, `name`. */
  logger: Logger;
  /** At most one write per object per this many ms. Default 10 000. */
  statusUpdatePeriodMs?: number;
  /** Global write budget, writes per second across all objects. Default 20. */
  writesPerSecond?: number;
  /** Burst of the global budget. Default equal to writesPerSecond. */
  writeBurst?: number;
  /**
   * Most periodic refreshes of figures per second (priority 3), within the global budget. Default a quarter of
   * writesPerSecond, and at most {@link DEFAULT_MAX_REFRESH_WRITES_PER_SECOND}: a budget sized so that thousands
   * of new targets show Ready within a minute would otherwise turn into that many writes a second for good (each
   * costs a kube-apiserver about 7 ms of CPU), only to refresh samples of figures that metrics carry every cycle.
   * First writes and condition changes may use the whole budget.
   */
  refreshWritesPerSecond?: number;
  /**
   * Figure refreshes go out only in the first this-many ms after a pacing cycle ends (its hold released), as many
   * as their rate has given since the previous cycle ended (up to MAX_REFRESH_PAUSE_MS's worth, what a window
   * left carried over), and wait for the next cycle's end otherwise;
   * with no cycle for {@link MAX_REFRESH_PAUSE_MS} they flow at their rate again. So the API server does their
   * work, and collects the garbage it leaves (about 0.8 MB a write, marked on every idle core), right after a cycle
   * rather than into the next one. First writes and condition changes are not held to it. 0 spreads refreshes
   * over the whole period. Default 1 000.
   */
  refreshWindowMs?: number;
  /**
   * Longest a {@link StatusWriter.hold} keeps new writes back, ms, counted from when the first hold began: a
   * cycle that hangs (or clusters whose cycles overlap end to end) must not starve status. Default 2 000.
   */
  maxHoldMs?: number;
  /**
   * Most writes in flight at once, all under the same budget. Default 4, or one per 20 writes/s of budget if
   * more: one at a time reached only about 12 writes/s with 80 ms per PATCH on a loaded API server, and four
   * reached 160 of a 200 writes/s budget.
   */
  maxWritesInFlight?: number;
  /**
   * Whether this instance may write an object now (it holds the object's Lease or shard). Asked right before each
   * write: a write queued while this instance held the object is dropped once it no longer does, because the new
   * holder writes that status now, and a write of ours arriving later would put an older view back. Default: always.
   */
  mayWrite?: (ref: StatusObjectRef) => boolean;
  /**
   * Told of each urgent write dropped because this instance no longer holds its object: if it takes the object
   * back from nobody, the change is still unwritten and still urgent. Default: nobody is told.
   */
  onUrgentDropped?: (ref: StatusObjectRef) => void;
}

interface KnownStatus {
  ref: StatusObjectRef;
  /**
   * Top-level keys of the status last written (or observed): all a merge patch needs of it, to set the keys a
   * new status lacks to null. Not the status itself, which 10,000 targets would each keep for a whole period.
   */
  lastKnownKeys: readonly string[];
  /**
   * Digest of the last known status's stableJson: an update offered with nothing pending, and a pending write
   * whose turn comes, compare against it; a digest costs 28 bytes where the JSON would cost 600 per target.
   */
  lastKnownDigest: string;
  lastWriteMs: number;
  pending: StatusBody | undefined;
  pendingSinceMs: number;
  /** Arrival order of the pending write, to break ties between writes that became pending at the same ms. */
  pendingSeq: number;
  isUrgent: boolean;
  periodMs: number;
  /** Bumped whenever the entry is queued again: older heap nodes of it are stale and skipped. */
  queuedVersion: number;
  /** Known again through a re-offer ({@link StatusUpdateOptions.isReoffer}): its first write is routine. */
  isReoffer: boolean;
}

/** A queued write: the entry and the order keys it had when queued (heap keys must not change in place). */
interface QueuedWrite {
  key: string;
  entry: KnownStatus;
  version: number;
  priority: WritePriority;
  lastWriteMs: number;
  pendingSinceMs: number;
  pendingSeq: number;
  eligibleMs: number;
}

/** Per-call options of {@link StatusWriter.update}. */
export interface StatusUpdateOptions {
  /** The status currently in the API (from the informer cache), used until this writer wrote the object. */
  observed?: StatusBody | undefined;
  /**
   * Skip the per-object period (still under the global budget, and ahead of other due writes): for condition
   * changes a user waits to see. Default false.
   */
  isUrgent?: boolean;
  /**
   * This object's minimum time between writes (e.g. its PacingCluster's statusUpdatePeriod), overriding the
   * writer's `statusUpdatePeriodMs`; kept until another update gives a new value.
   */
  updatePeriodMs?: number;
  /**
   * Offered again after this instance took back a Lease nobody else held meanwhile (its queued writes were
   * dropped when the Lease lapsed): a first write for this writer, served with the figure refreshes rather than
   * ahead of them, since what the API holds is still what this instance wrote. Default false.
   */
  isReoffer?: boolean;
}

function refKey(ref: StatusObjectRef): string {
  return `${ref.group}/${ref.plural}/${ref.namespace}/${ref.name}`;
}

/**
 * Priority classes of due writes, served in this order: 0, an urgent change (a condition flip) of an object this
 * replica never wrote (its first Ready); 1, another urgent change; 2, a first write of this replica that is not
 * urgent (a rewrite after a regained lease); 3, a periodic refresh of figures, a routine Pacing flip or a
 * re-offer. So every object gets its first status before any gets its second figures write.
 */
export type WritePriority = 0 | 1 | 2 | 3;

/** The `class` label of pacing_status_writes_total for each priority. */
const writeClassNames = ['urgent-first', 'urgent', 'first', 'routine'] as const;

/** The priority class of an entry's pending write. */
function priorityOf(entry: KnownStatus): WritePriority {
  const isFirst = entry.lastWriteMs === Number.NEGATIVE_INFINITY;
  if (entry.isUrgent) return isFirst ? 0 : 1;
  return isFirst && !entry.isReoffer ? 2 : 3;
}

/** Order of due writes: by priority class, then the object written longest ago, then the one waiting longest (first come first served). */
function isServedBefore(a: QueuedWrite, b: QueuedWrite): boolean {
  if (a.priority !== b.priority) return a.priority < b.priority;
  if (a.lastWriteMs !== b.lastWriteMs) return a.lastWriteMs < b.lastWriteMs;
  if (a.pendingSinceMs !== b.pendingSinceMs) return a.pendingSinceMs < b.pendingSinceMs;
  return a.pendingSeq < b.pendingSeq;
}

/**
 * Digests by body. A body is compared up to three times (when offered, when its turn comes, once written) and is
 * never changed after it is offered (the status book builds a new one each time), so each is hashed once.
 */
const digests = new WeakMap<StatusBody, string>();

/** SHA-1 of a status body's key-sorted JSON: equal digests mean equal statuses (collisions are not a concern). */
function statusDigest(body: StatusBody | null): string {
  const known = body === null ? undefined : digests.get(body);
  if (known !== undefined) return known;
  const digest = createHash('sha1').update(stableJson(body)).digest('base64');
  if (body !== null) digests.set(body, digest);
  return digest;
}

/** The merge patch turning a status with the keys `fromKeys` into `to` at the top level: removed fields become null. */
function mergePatchFor(fromKeys: readonly string[], to: StatusBody): StatusBody {
  const patch: StatusBody = { ...to };
  for (const key of fromKeys) if (!(key in to)) patch[key] = null;
  return patch;
}

/** Distinct key lists, so that 10,000 statuses of one shape share one list; emptied when full (a bound). */
const keyLists = new Map<string, readonly string[]>();

/** The top-level keys of `body`, as a shared list. */
function keysOf(body: StatusBody | undefined): readonly string[] {
  const keys = body === undefined ? [] : Object.keys(body);
  const id = keys.join('\u0000');
  const known = keyLists.get(id);
  if (known !== undefined) return known;
  if (keyLists.size >= 256) keyLists.clear();
  keyLists.set(id, keys);
  return keys;
}

/**
 * Default ceiling of figure refreshes per second: 20 refreshes cost a kube-apiserver about 0.15 of a core. At
 * 10,000 targets on one replica the quarter of its 200/s budget (50/s) kept the API server at 0.48 cores against
 * 0.24 with 20/s, on the two cores the cycle shared with it; each target's figures are then refreshed about every
 * 500 s instead of 200.
 */
export const DEFAULT_MAX_REFRESH_WRITES_PER_SECOND = 20;

/** With no cycle ending for this long, figure refreshes stop waiting for one (see refreshWindowMs). */
export const MAX_REFRESH_PAUSE_MS = 10_000;

/**
 * Writes computed status with merge patches on /status, only when it differs from what the API holds, at most
 * once per `statusUpdatePeriodMs` per object (the latest desired status wins), and under a global token-bucket
 * budget that serves first writes and condition changes before figure refreshes, and the object whose status was
 * written longest ago first: ten thousand targets must not become ten thousand writes per cycle. Failed writes
 * are counted and retried after the period; 404 drops the object. `close()` flushes what is pending.
 *
 * Every operation is O(log N) in the number of objects: pending writes wait in a heap by the time they become
 * eligible, then in a heap by the serving order above (scanning every object per update and per write made a
 * cycle O(N²) at 10,000 targets).
 */
export class StatusWriter {
  readonly #o: Required<StatusWriterOptions>;
  readonly #metrics: ControllerMetrics;
  readonly #budget: TokenBucket;
  readonly #refreshBudget: TokenBucket;
  readonly #known = new Map<string, KnownStatus>();
  readonly #inFlight = new Set<string>();
  readonly #writes = new Set<Promise<void>>();
  /** Pending writes not yet eligible (per-object period), earliest first. */
  readonly #waiting = new BinaryHeap<QueuedWrite>((a, b) => a.eligibleMs < b.eligibleMs);
  /** Pending writes eligible now, in serving order. */
  readonly #due = new BinaryHeap<QueuedWrite>(isServedBefore);
  #pendingCount = 0;
  #arrivals = 0;
  #timer: CancelTimer | undefined;
  #timerDueMs = Number.POSITIVE_INFINITY;
  #closed = false;
  #holds = 0;
  #heldSinceMs = 0;
  /** When the last hold ended (a cycle's end): the refresh window opened then. */
  #windowOpenedMs = Number.NEGATIVE_INFINITY;
  /** Figure refreshes the current window may still send. */
  #windowRefreshes = 0;

  /** @throws ControllerConfigError for a non-positive period, budget or in-flight limit. */
  constructor(options: StatusWriterOptions) {
    const writesPerSecond = options.writesPerSecond ?? 20;
    this.#o = {
      statusUpdatePeriodMs: 10_000,
      writeBurst: writesPerSecond,
      maxHoldMs: 2000,
      refreshWindowMs: 1000,
      maxWritesInFlight: Math.max(4, Math.ceil(writesPerSecond / 20)),
      refreshWritesPerSecond: Math.min(writesPerSecond / 4, DEFAULT_MAX_REFRESH_WRITES_PER_SECOND),
      mayWrite: () => true,
      onUrgentDropped: () => {},
      ...options,
      writesPerSecond,
    };
    if (!(this.#o.statusUpdatePeriodMs >= 0))
      throw new ControllerConfigError('status writer: statusUpdatePeriodMs must be >= 0');
    if (!(writesPerSecond > 0)) throw new ControllerConfigError('status writer: writesPerSecond must be > 0');
    if (!(this.#o.refreshWritesPerSecond > 0))
      throw new ControllerConfigError('status writer: refreshWritesPerSecond must be > 0');
    if (!(this.#o.maxHoldMs >= 0)) throw new ControllerConfigError('status writer: maxHoldMs must be >= 0');
    if (!(this.#o.refreshWindowMs >= 0))
      throw new ControllerConfigError('status writer: refreshWindowMs must be >= 0');
    if (!(this.#o.maxWritesInFlight >= 1))
      throw new ControllerConfigError('status writer: maxWritesInFlight must be >= 1');
    this.#metrics = controllerMetrics(options.registry);
    this.#budget = new TokenBucket({
      clock: options.clock,
      ratePerSecond: writesPerSecond,
      burst: this.#o.writeBurst,
    });
    this.#refreshBudget = new TokenBucket({
      clock: options.clock,
      ratePerSecond: this.#o.refreshWritesPerSecond,
      burst: Math.max(1, this.#o.refreshWritesPerSecond),
    });
  }

  /** Offers the complete desired status of an object. Never throws; writes happen in the background. */
  update(ref: StatusObjectRef, desired: StatusBody, options: StatusUpdateOptions = {}): void {
    if (this.#closed) return;
    const key = refKey(ref);
    let entry = this.#known.get(key);
    if (!entry) {
      entry = {
        ref,
        lastKnownKeys: keysOf(options.observed),
        lastKnownDigest: statusDigest(options.observed ?? null),
        lastWriteMs: Number.NEGATIVE_INFINITY,
        pending: undefined,
        pendingSinceMs: 0,
        pendingSeq: 0,
        isUrgent: false,
        periodMs: this.#o.statusUpdatePeriodMs,
        queuedVersion: 0,
        isReoffer: options.isReoffer === true,
      };
      this.#known.set(key, entry);
    }
    const isPeriodChanged =
      options.updatePeriodMs !== undefined &&
      options.updatePeriodMs >= 0 &&
      options.updatePeriodMs !== entry.periodMs;
    if (isPeriodChanged && options.updatePeriodMs !== undefined) entry.periodMs = options.updatePeriodMs;
    const wasPending = entry.pending !== undefined;
    // A body offered while another waits replaces it unchecked: whether it still differs from what the API holds
    // is checked once, when its turn comes (#dropIfUnchanged), not on each of the cycles it waits through (a
    // digest per target per cycle was 65 ms of every 10,000-target cycle).
    if (!wasPending && !this.#inFlight.has(key) && statusDigest(desired) === entry.lastKnownDigest) {
      entry.isUrgent = false;
      return;
    }
    const wasUrgent = entry.isUrgent;
    if (!wasPending) this.#markArrival(entry);
    this.#setPending(entry, desired);
    entry.isUrgent ||= options.isUrgent === true;
    // Queue again only when the position changes; a newer body for an already queued entry just replaces it.
    if (!wasPending || entry.isUrgent !== wasUrgent || isPeriodChanged) this.#enqueue(key, entry);
  }

  /**
   * Starts no new write until the returned release is called (writes in flight finish), for at most
   * `maxHoldMs`: a pacing cycle holds status writes so that the two do not compete for the event loop and the
   * API server while the cycle runs. The budget keeps accruing meanwhile (up to its burst), so the writes held
   * back go out right after. Holds nest; each release counts once.
   */
  hold(): () => void {
    if (this.#holds === 0) this.#heldSinceMs = this.#o.clock.nowMs();
    this.#holds += 1;
    return callOnce(() => {
      this.#holds -= 1;
      if (this.#holds === 0) {
        this.#openRefreshWindow();
        this.#wakeAt(0);
      }
    });
  }

  /** Forgets an object (deleted): drops its pending write and its history. */
  forget(ref: StatusObjectRef): void {
    const key = refKey(ref);
    const entry = this.#known.get(key);
    if (entry === undefined) return;
    this.#setPending(entry, undefined);
    this.#known.delete(key);
  }

  /**
   * Number of objects with an offered status not yet written (one that went back to what the API holds while it
   * waited is dropped when its turn comes).
   */
  pendingCount(): number {
    return this.#pendingCount;
  }

  /** Writes everything pending now, ignoring the per-object period and the budget (for shutdown). */
  async flush(): Promise<void> {
    while (this.#writes.size > 0) await Promise.all([...this.#writes]);
    const due = [...this.#known.entries()]
      .filter(([, e]) => !this.#dropIfUnchanged(e) && e.pending)
      .sort(([, a], [, b]) => a.lastWriteMs - b.lastWriteMs);
    for (const [key, entry] of due) await this.#write(key, entry);
  }

  /**
   * Stops scheduling, then flushes pending writes, giving up after `timeoutMs` (default 10 000) so a hung API
   * server cannot hold up shutdown; what was not written is logged.
   */
  async close(timeoutMs = 10_000): Promise<void> {
    this.#closed = true;
    this.#cancelTimer();
    const giveUp = new AbortController();
    const flushed = this.flush().then(() => true);
    const isFlushed = await Promise.race([
      flushed,
      this.#o.clock.sleep(timeoutMs, giveUp.signal).then(() => false),
    ]);
    giveUp.abort();
    if (!isFlushed)
      this.#o.logger.warn({ pending: this.pendingCount() }, 'status flush timed out at shutdown');
  }

  /** Drops a pending write that equals what the API holds (the status went back); true when it did. */
  #dropIfUnchanged(entry: KnownStatus): boolean {
    if (entry.pending === undefined || statusDigest(entry.pending) !== entry.lastKnownDigest) return false;
    this.#setPending(entry, undefined);
    entry.isUrgent = false;
    return true;
  }

  /**
   * Forgets every object this instance may no longer write (see StatusWriterOptions.mayWrite), with what it had
   * queued for them, and returns how many queued writes that dropped: for the moment a Lease or shard is lost, so
   * that thousands of waiting writes go at once rather than one by one as their turns come.
   */
  forgetNotOurs(): number {
    let dropped = 0;
    for (const [key, entry] of this.#known) {
      if (this.#inFlight.has(key)) continue;
      const wasPending = entry.pending !== undefined;
      if (this.#dropIfNotOurs(key, entry) && wasPending) dropped += 1;
    }
    return dropped;
  }

  /** Forgets an object this instance may no longer write (see StatusWriterOptions.mayWrite); true when it did. */
  #dropIfNotOurs(key: string, entry: KnownStatus): boolean {
    if (this.#o.mayWrite(entry.ref)) return false;
    if (entry.pending !== undefined) {
      this.#metrics.statusWritesDropped.inc({ kind: entry.ref.kind });
      if (entry.isUrgent) this.#o.onUrgentDropped(entry.ref);
    }
    this.#setPending(entry, undefined);
    this.#known.delete(key);
    return true;
  }

  #markArrival(entry: KnownStatus): void {
    entry.pendingSinceMs = this.#o.clock.nowMs();
    entry.pendingSeq = this.#arrivals += 1;
  }

  #setPending(entry: KnownStatus, body: StatusBody | undefined): void {
    const delta = (body === undefined ? 0 : 1) - (entry.pending === undefined ? 0 : 1);
    entry.pending = body;
    if (delta === 0) return;
    this.#pendingCount += delta;
    this.#metrics.statusPendingWrites.set(this.#pendingCount);
  }

  #enqueue(key: string, entry: KnownStatus): void {
    if (!entry.pending || this.#inFlight.has(key) || this.#closed) return;
    entry.queuedVersion += 1;
    const now = this.#o.clock.nowMs();
    const eligibleMs = entry.isUrgent ? now : entry.lastWriteMs + entry.periodMs;
    const node: QueuedWrite = {
      key,
      entry,
      version: entry.queuedVersion,
      priority: priorityOf(entry),
      lastWriteMs: entry.lastWriteMs,
      pendingSinceMs: entry.pendingSinceMs,
      pendingSeq: entry.pendingSeq,
      eligibleMs,
    };
    if (eligibleMs <= now) this.#due.push(node);
    else this.#waiting.push(node);
    this.#compact();
    // Deferred to a zero-delay timer so that updates offered in the same turn compete for the budget together
    // and the first in serving order wins, rather than the first one offered.
    this.#wakeAt(eligibleMs <= now ? 0 : eligibleMs - now);
  }

  /** A heap node is live when its entry is still known, pending, not being written, and was not re-queued. */
  #isLive(node: QueuedWrite): boolean {
    const { entry } = node;
    return (
      entry.queuedVersion === node.version &&
      entry.pending !== undefined &&
      this.#known.get(node.key) === entry &&
      !this.#inFlight.has(node.key)
    );
  }

  // Re-queued entries leave stale nodes behind; drop them when they outnumber the live ones.
  #compact(): void {
    if (this.#due.size + this.#waiting.size <= 2 * this.#pendingCount + 1024) return;
    this.#due.retain((n) => this.#isLive(n));
    this.#waiting.retain((n) => this.#isLive(n));
  }

  #pump(): void {
    if (this.#closed) return;
    const now = this.#o.clock.nowMs();
    const heldUntilMs = this.#heldSinceMs + this.#o.maxHoldMs;
    if (this.#holds > 0 && now < heldUntilMs) {
      this.#wakeAt(heldUntilMs - now);
      return;
    }
    for (
      let top = this.#waiting.peek();
      top !== undefined && top.eligibleMs <= now;
      top = this.#waiting.peek()
    ) {
      this.#waiting.pop();
      if (this.#isLive(top)) this.#due.push(top);
    }
    while (this.#inFlight.size < this.#o.maxWritesInFlight) {
      let next = this.#due.peek();
      while (next !== undefined && !this.#isLive(next)) {
        this.#due.pop();
        next = this.#due.peek();
      }
      if (next === undefined) break;
      if (this.#dropIfUnchanged(next.entry) || this.#dropIfNotOurs(next.key, next.entry)) {
        this.#due.pop();
        continue;
      }
      // The heap serves by priority, so a refresh at the top means nothing more urgent is due: waiting for a
      // refresh token holds back only refreshes (a new urgent write wakes the pump when it is queued).
      const isRefresh = next.priority === 3;
      const refreshGate = isRefresh ? this.#refreshGate(now) : 'none';
      // Closed until a cycle ends; what waits for its per-object period may still need a wake-up (below).
      if (refreshGate === 'closed') break;
      const refreshWaitMs = refreshGate === 'bucket' ? this.#refreshBudget.msUntilToken() : 0;
      if (refreshWaitMs > 0) {
        this.#wakeAt(refreshWaitMs);
        return;
      }
      if (!this.#budget.tryTake()) {
        this.#metrics.statusBudgetExhausted.inc();
        this.#wakeAt(this.#budget.msUntilToken());
        return;
      }
      if (refreshGate === 'bucket') this.#refreshBudget.tryTake();
      else if (refreshGate === 'window') this.#windowRefreshes -= 1;
      this.#due.pop();
      this.#start(next.key, next.entry);
    }
    let waiting = this.#waiting.peek();
    while (waiting !== undefined && !this.#isLive(waiting)) {
      this.#waiting.pop();
      waiting = this.#waiting.peek();
    }
    // With writes in flight, their completion pumps again; otherwise sleep until the next one is eligible.
    if (waiting !== undefined && this.#inFlight.size < this.#o.maxWritesInFlight)
      this.#wakeAt(waiting.eligibleMs - now);
  }

  /**
   * A cycle ended: figure refreshes may go for the next refreshWindowMs, as many as their rate has given since the
   * previous window opened, plus what that window left (cycles of several clusters may end moments apart), up to
   * MAX_REFRESH_PAUSE_MS's worth.
   */
  #openRefreshWindow(): void {
    if (this.#o.refreshWindowMs === 0) return;
    const now = this.#o.clock.nowMs();
    const ratePerMs = this.#o.refreshWritesPerSecond / 1000;
    const accrued = Math.min(now - this.#windowOpenedMs, MAX_REFRESH_PAUSE_MS) * ratePerMs;
    this.#windowRefreshes = Math.min(this.#windowRefreshes + accrued, MAX_REFRESH_PAUSE_MS * ratePerMs);
    this.#windowOpenedMs = now;
  }

  /**
   * How a figure refresh may go now: within a cycle's refresh window on its allowance (`window`), or `closed` until
   * the next cycle ends (which wakes the pump) or the pause runs out; with no cycle for a long while, or no window
   * configured, at the refresh rate (`bucket`).
   */
  #refreshGate(now: number): 'window' | 'closed' | 'bucket' {
    const sinceOpenedMs = now - this.#windowOpenedMs;
    if (this.#o.refreshWindowMs === 0 || sinceOpenedMs >= MAX_REFRESH_PAUSE_MS) return 'bucket';
    if (sinceOpenedMs <= this.#o.refreshWindowMs && this.#windowRefreshes >= 1) return 'window';
    this.#wakeAt(MAX_REFRESH_PAUSE_MS - sinceOpenedMs);
    return 'closed';
  }

  #start(key: string, entry: KnownStatus): void {
    const write = this.#write(key, entry).finally(() => {
      this.#writes.delete(write);
      this.#enqueue(key, entry);
      this.#wakeAt(0);
    });
    this.#writes.add(write);
  }

  // Only moves the timer earlier: the pump recomputes the next wake-up each time it runs.
  #wakeAt(delayMs: number): void {
    if (this.#closed) return;
    const dueMs = this.#o.clock.nowMs() + Math.max(0, delayMs);
    if (this.#timer !== undefined && this.#timerDueMs <= dueMs) return;
    this.#cancelTimer();
    this.#timerDueMs = dueMs;
    this.#timer = this.#o.clock.setTimer(Math.max(0, delayMs), () => {
      this.#timer = undefined;
      this.#timerDueMs = Number.POSITIVE_INFINITY;
      this.#pump();
    });
  }

  #cancelTimer(): void {
    this.#timer?.();
    this.#timer = undefined;
    this.#timerDueMs = Number.POSITIVE_INFINITY;
  }

  async #write(key: string, entry: KnownStatus): Promise<void> {
    const desired = entry.pending;
    if (!desired || this.#dropIfNotOurs(key, entry)) return;
    const labels = { kind: entry.ref.kind };
    const writeClass = writeClassNames[priorityOf(entry)];
    this.#setPending(entry, undefined);
    entry.isUrgent = false;
    entry.lastWriteMs = this.#o.clock.nowMs();
    this.#inFlight.add(key);
    try {
      await this.#o.patcher.patchStatus(entry.ref, mergePatchFor(entry.lastKnownKeys, desired));
      entry.lastKnownKeys = keysOf(desired);
      entry.lastKnownDigest = statusDigest(desired);
      this.#metrics.statusWrites.inc({ ...labels, class: writeClass });
    } catch (err) {
      this.#metrics.statusWriteErrors.inc(labels);
      const { kind, namespace, name } = entry.ref;
      if (apiErrorStatus(err) === 404) {
        this.#setPending(entry, undefined);
        this.#known.delete(key);
        this.#o.logger.debug({ kind, namespace, name }, 'status write skipped: object is gone');
      } else {
        // Keep the newest desired status for the retry (one may have arrived while this write ran).
        if (entry.pending === undefined) {
          this.#markArrival(entry);
          this.#setPending(entry, desired);
        }
        this.#o.logger.warn(
          { err, kind, namespace, name },
          'status write failed; retrying after the update period',
        );
      }
    } finally {
      this.#inFlight.delete(key);
    }
    // An update that arrived during the write and equals what we just wrote needs no write.
    this.#dropIfUnchanged(entry);
  }
}
