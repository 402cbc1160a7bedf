import { V1MicroTime, type EventsV1Event } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { apiErrorStatus } from './api-error-status.js';
import type { CancelTimer, Clock } from './clock.js';
import { controllerMetrics, type ControllerMetrics } from './controller-metrics.js';
import type { EventsClient } from './events-client.js';
import { TokenBucket } from './token-bucket.js';

/** The object an Event is about (an ObjectReference). */
export interface EventObjectRef {
  /** e.g. `pacing.agentpacing.dev/v1alpha1`. */
  apiVersion?: string;
  /** e.g. `PacingTarget`. */
  kind: string;
  /** Namespace; the Event is written there (`default` for cluster-scoped objects). */
  namespace?: string;
  /** Name. */
  name: string;
  /** UID, when known. */
  uid?: string;
}

/** One occurrence to record. */
export interface EventRecord {
  /** The object concerned. */
  regarding: EventObjectRef;
  /** A second object involved, if any. */
  related?: EventObjectRef;
  /** Normal or Warning. */
  type: 'Normal' | 'Warning';
  /** Why, in UpperCamelCase (≤ 128 chars), e.g. `StatsSourceUnreachable`. */
  reason: string;
  /** What was done or failed, UpperCamelCase (≤ 128 chars), e.g. `Pacing`. */
  action: string;
  /** Human-readable detail (truncated to 1 kB). Not part of the aggregation key. */
  note: string;
}

/** Options of an {@link EventRecorder}. */
export interface EventRecorderOptions {
  /** Writes the Events. */
  client: EventsClient;
  /** `reportingController`, e.g. `pacing.agentpacing.dev/operator`. */
  reportingController: string;
  /** `reportingInstance`, e.g. `<controller>-<hostname>` (≤ 128 chars). */
  reportingInstance: string;
  /** Source of time and timers. */
  clock: Clock;
  /** Random source in [0, 1) for Event name suffixes. Default Math.random. */
  random?: () => number;
  /** Registry for pacing_events_* metrics. */
  registry: Registry;
  /** Logger. */
  logger: Logger;
  /** Repeats of one Event update its series at most this often. Default 30 000 ms. */
  seriesPatchIntervalMs?: number;
  /** Writes allowed in a burst per regarding object. Default 25 (client-go's spam filter). */
  spamBurst?: number;
  /** One more write per regarding object every this many ms. Default 300 000 (5 min). */
  spamRefillMs?: number;
  /** Writes waiting at most; beyond, Events are dropped and counted. Default 1 000. */
  maxQueuedWrites?: number;
  /** Series not observed for this long are forgotten (a later repeat starts a new Event). Default 360 000. */
  seriesIdleMs?: number;
}

interface Series {
  key: string;
  name: string;
  namespace: string;
  event: EventsV1Event;
  count: number;
  writtenCount: number;
  lastObservedMs: number;
  lastPatchMs: number;
  created: boolean;
  patchTimer: CancelTimer | undefined;
}

type Write = { op: 'create' | 'patch'; series: Series };

function refText(ref: EventObjectRef | undefined): string {
  return ref ? [ref.apiVersion, ref.kind, ref.namespace, ref.name, ref.uid].join('|') : '';
}

function objectReference(ref: EventObjectRef) {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    namespace: ref.namespace,
    name: ref.name,
    uid: ref.uid,
  };
}

/**
 * An events.k8s.io/v1 recorder modelled on client-go's `tools/events`: occurrences that share the isomorphic
 * key (type, action, reason, reporting controller and instance, regarding, related — not the note) form one
 * Event whose first occurrence is CREATEd and whose repeats update `series {count, lastObservedTime}` by merge
 * patch at most every 30 s. A per-object spam limit (burst 25, then 1 per 5 min) and a bounded write queue
 * keep a misbehaving object from flooding the API. `record` never blocks or throws; what cannot be written is
 * dropped and counted in pacing_events_dropped_total{reason}.
 */
export class EventRecorder {
  readonly #o: Required<Omit<EventRecorderOptions, 'random'>> & { random: () => number };
  readonly #metrics: ControllerMetrics;
  readonly #series = new Map<string, Series>();
  readonly #spam = new Map<string, TokenBucket>();
  #queue: Write[] = [];
  #pump: Promise<void> | undefined;
  #sweepTimer: CancelTimer | undefined;
  #closed = false;

  /** Builds a recorder; it starts its idle-series sweep right away. */
  constructor(options: EventRecorderOptions) {
    this.#o = {
      random: Math.random,
      seriesPatchIntervalMs: 30_000,
      spamBurst: 25,
      spamRefillMs: 300_000,
      maxQueuedWrites: 1_000,
      seriesIdleMs: 360_000,
      ...options,
    };
    this.#metrics = controllerMetrics(options.registry);
    this.#scheduleSweep();
  }

  /** Records one occurrence. Never throws, never waits for the API. */
  record(event: EventRecord): void {
    if (this.#closed) return;
    try {
      this.#record(event);
    } catch (err) {
      this.#metrics.eventsDropped.inc({ reason: 'internal_error' });
      this.#o.logger.error({ err, reason: event.reason }, 'event recorder failed to record an event');
    }
  }

  /**
   * Stops the timers and writes what is queued plus each series' latest count, giving up after `timeoutMs`
   * (default 5 000) so a hung API server cannot hold up shutdown.
   */
  async close(timeoutMs = 5_000): Promise<void> {
    this.#closed = true;
    this.#sweepTimer?.();
    for (const series of this.#series.values()) {
      series.patchTimer?.();
      series.patchTimer = undefined;
      if (series.created && series.count > series.writtenCount) this.#enqueue({ op: 'patch', series }, false);
    }
    this.#kick();
    const giveUp = new AbortController();
    const drained = (this.#pump ?? Promise.resolve()).then(() => true);
    const isDrained = await Promise.race([
      drained,
      this.#o.clock.sleep(timeoutMs, giveUp.signal).then(() => false),
    ]);
    giveUp.abort();
    if (!isDrained) this.#o.logger.warn({ queued: this.#queue.length }, 'event flush timed out at shutdown');
  }

  #record(event: EventRecord): void {
    const { reportingController, reportingInstance, clock } = this.#o;
    const key = [
      event.type,
      event.action,
      event.reason,
      reportingController,
      reportingInstance,
      refText(event.regarding),
      refText(event.related),
    ].join('\u0000');
    const now = clock.nowMs();
    const existing = this.#series.get(key);
    if (existing) {
      existing.count += 1;
      existing.lastObservedMs = now;
      this.#schedulePatch(existing);
      return;
    }
    if (!this.#takeSpamToken(event.regarding)) {
      this.#metrics.eventsDropped.inc({ reason: 'spam_limit' });
      return;
    }
    const namespace = event.regarding.namespace || 'default';
    // client-go names Events `<regarding>.<hex nanoseconds>`; a random tail keeps same-ms names apart.
    const nanos = BigInt(now) * 1_000_000n + BigInt(Math.floor(this.#o.random() * 1_000_000));
    const name = `${event.regarding.name}.${nanos.toString(16)}`;
    const series: Series = {
      key,
      name,
      namespace,
      count: 1,
      writtenCount: 0,
      lastObservedMs: now,
      lastPatchMs: now,
      created: false,
      patchTimer: undefined,
      event: {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name, namespace },
        eventTime: new V1MicroTime(now),
        reportingController,
        reportingInstance,
        type: event.type,
        reason: event.reason.slice(0, 128),
        action: event.action.slice(0, 128),
        note: event.note.length > 1024 ? `${event.note.slice(0, 1021)}...` : event.note,
        regarding: objectReference(event.regarding),
        related: event.related ? objectReference(event.related) : undefined,
      },
    };
    if (this.#enqueue({ op: 'create', series }, true)) this.#series.set(key, series);
  }

  #schedulePatch(series: Series): void {
    if (series.patchTimer || this.#closed) return;
    const dueMs = series.lastPatchMs + this.#o.seriesPatchIntervalMs;
    series.patchTimer = this.#o.clock.setTimer(dueMs - this.#o.clock.nowMs(), () => {
      series.patchTimer = undefined;
      if (this.#series.get(series.key) !== series || series.count <= series.writtenCount) return;
      if (!series.created) {
        // The CREATE is still queued; look again after another interval.
        series.lastPatchMs = this.#o.clock.nowMs();
        this.#schedulePatch(series);
        return;
      }
      if (!this.#takeSpamToken(series.event.regarding as EventObjectRef)) {
        // The count stays in memory; a later patch (or close) carries it.
        this.#metrics.eventsDropped.inc({ reason: 'spam_limit' });
        series.lastPatchMs = this.#o.clock.nowMs();
        this.#schedulePatch(series);
        return;
      }
      series.lastPatchMs = this.#o.clock.nowMs();
      this.#enqueue({ op: 'patch', series }, true);
    });
  }

  #takeSpamToken(regarding: EventObjectRef): boolean {
    const key = refText(regarding);
    let bucket = this.#spam.get(key);
    if (!bucket) {
      bucket = new TokenBucket({
        clock: this.#o.clock,
        burst: this.#o.spamBurst,
        ratePerSecond: 1000 / this.#o.spamRefillMs,
      });
      this.#spam.set(key, bucket);
    }
    return bucket.tryTake();
  }

  #enqueue(write: Write, kick: boolean): boolean {
    if (this.#queue.length >= this.#o.maxQueuedWrites) {
      this.#metrics.eventsDropped.inc({ reason: 'overload' });
      return false;
    }
    this.#queue.push(write);
    if (kick) this.#kick();
    return true;
  }

  #kick(): void {
    this.#pump ??= this.#drain().finally(() => {
      this.#pump = undefined;
    });
  }

  async #drain(): Promise<void> {
    for (let write = this.#queue.shift(); write; write = this.#queue.shift()) await this.#write(write);
  }

  async #write({ op, series }: Write): Promise<void> {
    const { client, clock, logger } = this.#o;
    const count = series.count;
    const lastObservedTime = new V1MicroTime(series.lastObservedMs);
    try {
      if (op === 'create') {
        const body: EventsV1Event =
          count > 1 ? { ...series.event, series: { count, lastObservedTime } } : series.event;
        await client.create(series.namespace, body);
        series.created = true;
        this.#metrics.eventsWritten.inc({ operation: 'create' });
      } else {
        await client.patchSeries(series.namespace, series.name, { count, lastObservedTime });
        this.#metrics.eventsWritten.inc({ operation: 'patch' });
      }
      series.writtenCount = Math.max(series.writtenCount, count);
      if (series.count > series.writtenCount) this.#schedulePatch(series);
    } catch (err) {
      if (op === 'patch' && apiErrorStatus(err) === 404) {
        // Someone deleted the Event (or it expired): recreate it with the series so far, as client-go does.
        const now = clock.nowMs();
        series.name = `${series.event.regarding?.name}.${(BigInt(now) * 1_000_000n).toString(16)}`;
        series.event = { ...series.event, metadata: { name: series.name, namespace: series.namespace } };
        this.#queue.push({ op: 'create', series });
        return;
      }
      this.#metrics.eventsDropped.inc({ reason: 'api_error' });
      logger.warn(
        { err, op, event: series.name, reason: series.event.reason },
        'event write failed; dropped',
      );
      // A failed CREATE leaves nothing to patch: forget the series so the next occurrence starts a new one.
      if (op === 'create' && this.#series.get(series.key) === series) {
        series.patchTimer?.();
        this.#series.delete(series.key);
      }
    }
  }

  // client-go forgets series idle for 6 min; without it the map would grow with every distinct Event.
  #scheduleSweep(): void {
    this.#sweepTimer = this.#o.clock.setTimer(this.#o.seriesIdleMs, () => {
      const now = this.#o.clock.nowMs();
      for (const [key, series] of this.#series) {
        if (now - series.lastObservedMs < this.#o.seriesIdleMs) continue;
        if (series.created && series.count > series.writtenCount)
          this.#enqueue({ op: 'patch', series }, true);
        series.patchTimer?.();
        this.#series.delete(key);
      }
      for (const [key, bucket] of this.#spam) if (bucket.isFull()) this.#spam.delete(key);
      if (!this.#closed) this.#scheduleSweep();
    });
  }
}
