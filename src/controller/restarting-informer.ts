import {
  ListWatch,
  Watch,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CancelTimer, Clock } from './clock.js';
import { controllerMetrics, type ControllerMetrics } from './controller-metrics.js';
import { objectKey } from './object-key.js';
import { sharedStringPool } from './string-pool.js';

/** What happened to an object: the three watch kinds plus a periodic resync of every cached object. */
export type InformerEventType = 'add' | 'update' | 'delete' | 'resync';

/** One informer notification; handlers should only enqueue `key`. */
export interface InformerEvent<T> {
  /** What happened. */
  type: InformerEventType;
  /** `namespace/name` of the object. */
  key: string;
  /** The object as cached (managedFields and kubectl's last-applied copy stripped); for `delete`, its last known state. */
  object: T;
}

/** The part of client-node's `Watch` the informer uses; a seam for unit tests. */
export interface WatchLike {
  /** See client-node `Watch.watch`. */
  watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void,
    done: (err: unknown) => void,
  ): Promise<AbortController>;
}

/** Backoff between restarts after errors; the delay doubles per consecutive error. */
export interface RestartBackoff {
  /** First delay. Default 1 000 ms. */
  initialMs?: number;
  /** Cap. Default 60 000 ms. */
  maxMs?: number;
  /** Extra random share of the delay, in [0, 1]. Default 0.2 (delay × 1.0–1.2). */
  jitter?: number;
}

/** Options of a {@link RestartingInformer}. */
export interface RestartingInformerOptions<T extends KubernetesObject> {
  /** Name for metrics (`informer` label) and logs, e.g. `pacingtargets`. */
  name: string;
  /** API path watched, e.g. `/api/v1/namespaces/ns/secrets`. */
  path: string;
  /** The matching LIST call (same selectors as the watch). */
  list: () => Promise<KubernetesListObject<T>>;
  /** Kubeconfig for the watch; ignored when `watch` is given. */
  kubeConfig?: KubeConfig;
  /** Watch implementation; default `new Watch(kubeConfig)`. */
  watch?: WatchLike;
  /** Label selector sent with the watch (give the same to `list`). */
  labelSelector?: string;
  /** Field selector sent with the watch (give the same to `list`). */
  fieldSelector?: string;
  /**
   * Re-deliver every cached object as a `resync` event this often, spread a slice a second over the first half of
   * the period; 0 disables. Default 600 000 ms.
   */
  resyncPeriodMs?: number;
  /**
   * Drop `update` events where generation, labels, annotations and deletionTimestamp did not change — our
   * own status writes must not wake us. Only for kinds with a generation (custom resources). Default false.
   */
  ignoreStatusOnlyUpdates?: boolean;
  /**
   * Called on every object before it is cached and delivered (after managedFields are stripped), to drop in place
   * what nothing reads: at 10,000 objects the cache is a large share of the operator's memory.
   */
  trim?: (obj: T) => void;
  /**
   * Called on the cache's own copy of every object (after the copy and the string pool) to replace recurring parts
   * by shared frozen copies (see condition-pool.ts).
   */
  share?: (obj: T) => void;
  /** Backoff between restarts after errors. */
  restartBackoff?: RestartBackoff;
  /** Source of time and timers (restart backoff, resync, client-node's reconnect delay). */
  clock: Clock;
  /** Random source in [0, 1) for jitter. Default Math.random. */
  random?: () => number;
  /** Registry for pacing_informer_* metrics. */
  registry: Registry;
  /** Logger; lines carry `informer`. */
  logger: Logger;
}

/** True when two versions of an object differ at most outside generation, labels, annotations and deletion. */
function isStatusOnlyChange(before: KubernetesObject, after: KubernetesObject): boolean {
  const b = before.metadata;
  const a = after.metadata;
  return (
    b?.generation === a?.generation &&
    String(b?.deletionTimestamp) === String(a?.deletionTimestamp) &&
    JSON.stringify(b?.labels) === JSON.stringify(a?.labels) &&
    JSON.stringify(b?.annotations) === JSON.stringify(a?.annotations)
  );
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Watch phases whose object is one of the watched kind (not BOOKMARK, not an ERROR's Status). */
const OBJECT_PHASES: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED']);
/** A resync re-delivers its objects a slice this often (see RestartingInformerOptions.resyncPeriodMs). */
const RESYNC_SLICE_MS = 1000;

function stripManagedFields(obj: KubernetesObject): void {
  // Server-side-apply bookkeeping is often the largest part of an object and nothing here reads it; neither does
  // anything read kubectl's client-side-apply copy of the whole manifest (a second spec per object applied).
  // Set to undefined or rebuilt, never deleted: a `delete` turns the object into a hash table, and a metadata
  // object in that mode took 600 instead of about 150 bytes per cached PacingTarget.
  const metadata = obj.metadata;
  if (metadata?.managedFields) metadata.managedFields = undefined;
  const annotations = metadata?.annotations;
  if (metadata && annotations?.[LAST_APPLIED] !== undefined) {
    const kept: Record<string, string> = {};
    for (const [key, value] of Object.entries(annotations)) if (key !== LAST_APPLIED) kept[key] = value;
    metadata.annotations = kept;
  }
}

/**
 * An informer (LIST then WATCH, with a cache) that keeps running: client-node 2.0.1 relists on 410 and
 * reconnects after a server close by itself, but STOPS on any other error (500, 403, connection refused,
 * failed LIST). This wrapper restarts it after a capped, jittered backoff (resuming from the last
 * resourceVersion), re-delivers every cached object each resync period, counts connects/errors/restarts,
 * strips managedFields and shields client-node from handler exceptions (a throw there kills the process).
 */
export class RestartingInformer<T extends KubernetesObject> {
  readonly #o: RestartingInformerOptions<T>;
  readonly #listWatch: ListWatch<T>;
  readonly #metrics: ControllerMetrics;
  readonly #labels: { informer: string };
  readonly #log: Logger;
  readonly #handlers: ((event: InformerEvent<T>) => void)[] = [];
  /**
   * Versions cached in place of one equal to them but for their status (see ignoreStatusOnlyUpdates). Weak: an entry
   * goes with its version.
   */
  readonly #statusOnlyVersions = new WeakSet<T>();
  #consecutiveErrors = 0;
  #synced = false;
  #closed = false;
  #started = false;
  #restartTimer: CancelTimer | undefined;
  #resyncTimer: CancelTimer | undefined;
  #resyncSliceTimer: CancelTimer | undefined;

  /** Builds the informer; nothing is listed until {@link start}. */
  constructor(options: RestartingInformerOptions<T>) {
    this.#o = options;
    this.#metrics = controllerMetrics(options.registry);
    this.#labels = { informer: options.name };
    this.#metrics.informerSynced.set(this.#labels, 0);
    this.#log = options.logger.child({ informer: options.name });
    const watch = options.watch ?? (options.kubeConfig ? new Watch(options.kubeConfig) : undefined);
    if (!watch) throw new TypeError(`informer ${options.name}: give kubeConfig or watch`);
    const list = async (): Promise<KubernetesListObject<T>> => {
      const result = await options.list();
      result.items = result.items.map((item) => this.#own(item));
      if (result.metadata) result.metadata = structuredClone(result.metadata);
      this.#consecutiveErrors = 0;
      return result;
    };
    this.#listWatch = new ListWatch<T>(
      options.path,
      this.#guardedWatch(watch) as Watch,
      list,
      false,
      options.labelSelector,
      options.fieldSelector,
      { delayFn: (ms) => options.clock.sleep(ms) },
    );
    // Every object arrives here already trimmed and copied (#own, on list and on watch), as client-node caches it.
    this.#listWatch.on('add', (obj) => this.#deliver('add', obj));
    this.#listWatch.on('update', (obj) => this.#deliver('update', obj));
    this.#listWatch.on('delete', (obj) => this.#deliver('delete', obj));
    this.#listWatch.on('connect', () => this.#metrics.informerConnects.inc(this.#labels));
    this.#listWatch.on('error', (err) => this.#onError(err));
  }

  /** Registers a handler. Handlers should only enqueue keys; if one throws, it is logged and counted. */
  onEvent(handler: (event: InformerEvent<T>) => void): void {
    this.#handlers.push(handler);
  }

  /** Starts listing and watching; resolves once the first watch is established or an error was handled. */
  async start(): Promise<void> {
    if (this.#started || this.#closed) return;
    this.#started = true;
    this.#scheduleResync();
    await this.#startListWatch();
  }

  /** True once the first LIST completed and its objects are in the cache (stays true afterwards). */
  hasSynced(): boolean {
    if (!this.#synced && this.#listWatch.latestResourceVersion() !== '') {
      this.#synced = true;
      this.#metrics.informerSynced.set(this.#labels, 1);
    }
    return this.#synced;
  }

  /** The cached object named by a `namespace/name` (or `name`) key. */
  get(key: string): T | undefined {
    const slash = key.indexOf('/');
    return slash < 0
      ? this.#listWatch.get(key)
      : this.#listWatch.get(key.slice(slash + 1), key.slice(0, slash));
  }

  /** Cached objects, optionally of one namespace. */
  list(namespace?: string): readonly T[] {
    return this.#listWatch.list(namespace);
  }

  /** Stops watching and cancels restarts and resyncs; the cache stays readable. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#restartTimer?.();
    this.#resyncTimer?.();
    this.#resyncSliceTimer?.();
    await this.#listWatch.stop();
  }

  async #startListWatch(): Promise<void> {
    try {
      await this.#listWatch.start();
      this.hasSynced();
    } catch (err) {
      // start() throws only before it reaches its own error callbacks (e.g. no current cluster).
      this.#onError(err);
    }
  }

  /**
   * Two holes in client-node 2.0.1's ListWatch, closed here: it starts a new watch after its reconnect delay
   * even when stopped meanwhile (a leaked connection after close), and a throw from `watch()` on a reconnect
   * (say, credentials that cannot be read) becomes an unhandled rejection that ends the process. Both become a
   * `done` call: nothing after close, an error (and our restart) otherwise.
   */
  #guardedWatch(watch: WatchLike): WatchLike {
    return {
      watch: async (path, queryParams, callback, done) => {
        if (this.#closed) {
          done(null);
          return new AbortController();
        }
        // Objects are made this cache's own before client-node stores them (see #own).
        const owning: typeof callback = (phase, apiObj, watchObj) =>
          callback(phase, OBJECT_PHASES.has(phase) ? this.#own(apiObj as T) : apiObj, watchObj);
        try {
          return await watch.watch(path, queryParams, owning, done);
        } catch (err) {
          done(err);
          return new AbortController();
        }
      },
    };
  }

  /**
   * The object trimmed, then copied. V8's JSON.parse makes string values slices of the text it parsed, so a cached
   * object would keep its whole response alive: a watch event's line with the managedFields just stripped (2–3 KB
   * per PacingTarget), or all of a LIST's text for as long as one of its objects stays cached (20 MB at 10,000
   * targets). structuredClone copies every string; the shared pool then keeps one copy of each recurring one.
   */
  #own(obj: T): T {
    stripManagedFields(obj);
    this.#o.trim?.(obj);
    const owned = sharedStringPool.internAll(structuredClone(obj));
    this.#o.share?.(owned);
    if (this.#o.ignoreStatusOnlyUpdates) {
      // Compared with the version cached now, which this one is about to replace: no copy of every object's
      // fingerprint is kept (30,000 entries at 30,000 targets).
      const cached = this.#listWatch.get(owned.metadata?.name ?? '', owned.metadata?.namespace);
      if (cached !== undefined && isStatusOnlyChange(cached, owned)) this.#statusOnlyVersions.add(owned);
    }
    return owned;
  }

  #deliver(type: InformerEventType, obj: T): void {
    this.#consecutiveErrors = 0;
    if (type === 'update' && this.#statusOnlyVersions.has(obj)) return;
    this.#emit({ type, key: objectKey(obj), object: obj });
  }

  #emit(event: InformerEvent<T>): void {
    for (const handler of this.#handlers) {
      try {
        handler(event);
      } catch (err) {
        this.#metrics.informerHandlerErrors.inc(this.#labels);
        this.#log.error({ err, key: event.key, event: event.type }, 'informer handler threw');
      }
    }
  }

  #onError(err: unknown): void {
    this.#metrics.informerErrors.inc(this.#labels);
    if (this.#closed) return;
    const { initialMs = 1_000, maxMs = 60_000, jitter = 0.2 } = this.#o.restartBackoff ?? {};
    const base = Math.min(maxMs, initialMs * 2 ** this.#consecutiveErrors);
    const delayMs = Math.round(base * (1 + jitter * (this.#o.random ?? Math.random)()));
    this.#consecutiveErrors += 1;
    this.#log.warn({ err, delayMs, attempt: this.#consecutiveErrors }, 'informer stopped; restarting');
    this.#restartTimer?.();
    this.#restartTimer = this.#o.clock.setTimer(delayMs, () => {
      this.#restartTimer = undefined;
      if (this.#closed) return;
      this.#metrics.informerRestarts.inc(this.#labels);
      void this.#startListWatch();
    });
  }

  #scheduleResync(): void {
    const periodMs = this.#o.resyncPeriodMs ?? 600_000;
    if (periodMs <= 0 || this.#closed) return;
    this.#resyncTimer = this.#o.clock.setTimer(periodMs, () => {
      if (this.#closed) return;
      // Spread over the first half of the period, a slice a second: 30,000 objects re-delivered at once queued
      // 30,000 reconciles, 3-5 s of CPU on every replica at the same moment (they start together), which held
      // their cycles and made them miss Lease renewals every ten minutes at 30,000 targets.
      // Names and namespaces, not built keys: the cached objects' own strings, held for half the period.
      const cached = this.#listWatch.list();
      const names = cached.map((object) => object.metadata?.name ?? '');
      const namespaces = cached.map((object) => object.metadata?.namespace);
      const slices = Math.max(1, Math.floor(periodMs / 2 / RESYNC_SLICE_MS));
      this.#resyncSlice(names, namespaces, 0, Math.ceil(names.length / slices));
      this.#scheduleResync();
    });
  }

  /**
   * Re-delivers the objects `[from, from + size)` of the name lists that are still cached, then the next slice a
   * slice period later.
   */
  #resyncSlice(
    names: readonly string[],
    namespaces: readonly (string | undefined)[],
    from: number,
    size: number,
  ): void {
    if (this.#closed) return;
    const end = Math.min(names.length, from + size);
    for (let i = from; i < end; i++) {
      const object = this.#listWatch.get(names[i]!, namespaces[i]);
      if (object !== undefined) this.#emit({ type: 'resync', key: objectKey(object), object });
    }
    if (end >= names.length) return;
    this.#resyncSliceTimer = this.#o.clock.setTimer(RESYNC_SLICE_MS, () =>
      this.#resyncSlice(names, namespaces, end, size),
    );
  }
}
