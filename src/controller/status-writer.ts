import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { apiErrorStatus } from './api-error-status.js';
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
}

interface KnownStatus {
  ref: StatusObjectRef;
  lastKnown: StatusBody | undefined;
  lastWriteMs: number;
  pending: StatusBody | undefined;
  pendingSinceMs: number;
  isUrgent: boolean;
  periodMs: number;
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
}

function refKey(ref: StatusObjectRef): string {
  return `${ref.group}/${ref.plural}/${ref.namespace}/${ref.name}`;
}

/** Order of due writes: urgent first, then the object written longest ago, then the one waiting longest. */
function isServedBefore(a: KnownStatus, b: KnownStatus): boolean {
  if (a.isUrgent !== b.isUrgent) return a.isUrgent;
  if (a.lastWriteMs !== b.lastWriteMs) return a.lastWriteMs < b.lastWriteMs;
  return a.pendingSinceMs < b.pendingSinceMs;
}

/** The merge patch turning `from` into `to` at the top level of status: removed fields become null. */
function mergePatchFor(from: StatusBody | undefined, to: StatusBody): StatusBody {
  const patch: StatusBody = { ...to };
  for (const key of Object.keys(from ?? {})) if (!(key in to)) patch[key] = null;
  return patch;
}

/**
 * Writes computed status with merge patches on /status, only when it differs from what the API holds, at most
 * once per `statusUpdatePeriodMs` per object (the latest desired status wins), and under a global token-bucket
 * budget that serves the object whose status was written longest ago first: ten thousand targets must not
 * become ten thousand writes per cycle. Failed writes are counted and retried after the period; 404 drops the
 * object. `close()` flushes what is pending.
 */
export class StatusWriter {
  readonly #o: Required<StatusWriterOptions>;
  readonly #metrics: ControllerMetrics;
  readonly #budget: TokenBucket;
  readonly #known = new Map<string, KnownStatus>();
  readonly #inFlight = new Set<string>();
  #timer: CancelTimer | undefined;
  #pump: Promise<void> | undefined;
  #closed = false;
  // Set when an update arrives while the pump runs, so the pump looks again before going idle.
  #dirty = false;

  /** @throws ControllerConfigError for a non-positive period or budget. */
  constructor(options: StatusWriterOptions) {
    const writesPerSecond = options.writesPerSecond ?? 20;
    this.#o = {
      statusUpdatePeriodMs: 10_000,
      writeBurst: writesPerSecond,
      ...options,
      writesPerSecond,
    };
    if (!(this.#o.statusUpdatePeriodMs >= 0))
      throw new ControllerConfigError('status writer: statusUpdatePeriodMs must be >= 0');
    if (!(writesPerSecond > 0)) throw new ControllerConfigError('status writer: writesPerSecond must be > 0');
    this.#metrics = controllerMetrics(options.registry);
    this.#budget = new TokenBucket({
      clock: options.clock,
      ratePerSecond: writesPerSecond,
      burst: this.#o.writeBurst,
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
        lastKnown: options.observed,
        lastWriteMs: Number.NEGATIVE_INFINITY,
        pending: undefined,
        pendingSinceMs: 0,
        isUrgent: false,
        periodMs: this.#o.statusUpdatePeriodMs,
      };
      this.#known.set(key, entry);
    }
    if (options.updatePeriodMs !== undefined && options.updatePeriodMs >= 0)
      entry.periodMs = options.updatePeriodMs;
    if (stableJson(desired) === stableJson(entry.lastKnown ?? null) && !this.#inFlight.has(key)) {
      entry.pending = undefined;
      entry.isUrgent = false;
    } else {
      if (!entry.pending) entry.pendingSinceMs = this.#o.clock.nowMs();
      entry.pending = desired;
      entry.isUrgent ||= options.isUrgent === true;
    }
    this.#updatePendingGauge();
    this.#schedule();
  }

  /** Forgets an object (deleted): drops its pending write and its history. */
  forget(ref: StatusObjectRef): void {
    this.#known.delete(refKey(ref));
    this.#updatePendingGauge();
  }

  /** Number of objects with a changed status not yet written. */
  pendingCount(): number {
    let count = 0;
    for (const entry of this.#known.values()) if (entry.pending) count += 1;
    return count;
  }

  /** Writes everything pending now, ignoring the per-object period and the budget (for shutdown). */
  async flush(): Promise<void> {
    await this.#pump;
    const due = [...this.#known.entries()]
      .filter(([, e]) => e.pending)
      .sort(([, a], [, b]) => a.lastWriteMs - b.lastWriteMs);
    for (const [key, entry] of due) await this.#write(key, entry);
  }

  /**
   * Stops scheduling, then flushes pending writes, giving up after `timeoutMs` (default 10 000) so a hung API
   * server cannot hold up shutdown; what was not written is logged.
   */
  async close(timeoutMs = 10_000): Promise<void> {
    this.#closed = true;
    this.#timer?.();
    this.#timer = undefined;
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

  // Deferred to a zero-delay timer so that updates offered in the same turn compete for the budget together
  // and the stalest wins, rather than the first one offered.
  #schedule(): void {
    if (this.#closed) return;
    if (this.#pump) this.#dirty = true;
    else this.#wakeAt(0);
  }

  #kick(): void {
    if (this.#pump || this.#closed) return;
    this.#timer?.();
    this.#timer = undefined;
    this.#pump = this.#run().finally(() => {
      this.#pump = undefined;
      if (this.#dirty) {
        this.#dirty = false;
        this.#kick();
      }
    });
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      this.#dirty = false;
      const now = this.#o.clock.nowMs();
      let stalest: [string, KnownStatus] | undefined;
      let nextEligibleMs = Number.POSITIVE_INFINITY;
      for (const item of this.#known.entries()) {
        const [key, entry] = item;
        if (!entry.pending || this.#inFlight.has(key)) continue;
        const eligibleMs = entry.isUrgent ? now : entry.lastWriteMs + entry.periodMs;
        if (eligibleMs > now) nextEligibleMs = Math.min(nextEligibleMs, eligibleMs);
        else if (!stalest || isServedBefore(entry, stalest[1])) {
          stalest = item;
        }
      }
      if (!stalest) {
        if (nextEligibleMs < Number.POSITIVE_INFINITY) this.#wakeAt(nextEligibleMs - now);
        return;
      }
      if (!this.#budget.tryTake()) {
        this.#metrics.statusBudgetExhausted.inc();
        this.#wakeAt(this.#budget.msUntilToken());
        return;
      }
      await this.#write(stalest[0], stalest[1]);
    }
  }

  #wakeAt(delayMs: number): void {
    this.#timer?.();
    this.#timer = this.#o.clock.setTimer(delayMs, () => {
      this.#timer = undefined;
      this.#kick();
    });
  }

  async #write(key: string, entry: KnownStatus): Promise<void> {
    const desired = entry.pending;
    if (!desired) return;
    const labels = { kind: entry.ref.kind };
    entry.pending = undefined;
    entry.isUrgent = false;
    entry.lastWriteMs = this.#o.clock.nowMs();
    this.#inFlight.add(key);
    try {
      await this.#o.patcher.patchStatus(entry.ref, mergePatchFor(entry.lastKnown, desired));
      entry.lastKnown = desired;
      this.#metrics.statusWrites.inc(labels);
    } catch (err) {
      this.#metrics.statusWriteErrors.inc(labels);
      const { kind, namespace, name } = entry.ref;
      if (apiErrorStatus(err) === 404) {
        this.#known.delete(key);
        this.#o.logger.debug({ kind, namespace, name }, 'status write skipped: object is gone');
      } else {
        // Keep the newest desired status for the retry (one may have arrived while this write ran).
        entry.pending ??= desired;
        this.#o.logger.warn(
          { err, kind, namespace, name },
          'status write failed; retrying after the update period',
        );
      }
    } finally {
      this.#inFlight.delete(key);
      this.#updatePendingGauge();
    }
    // An update that arrived during the write and equals what we just wrote needs no write.
    if (entry.pending && stableJson(entry.pending) === stableJson(entry.lastKnown ?? null))
      entry.pending = undefined;
  }

  #updatePendingGauge(): void {
    this.#metrics.statusPendingWrites.set(this.pendingCount());
  }
}
