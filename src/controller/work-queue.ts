import type { Registry } from 'prom-client';
import type { CancelTimer, Clock } from './clock.js';
import { controllerMetrics, type ControllerMetrics } from './controller-metrics.js';
import { createDefaultRetryRateLimiter, type RetryRateLimiter } from './retry-rate-limiter.js';

/** Options of a {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Queue name: the `name` label of the workqueue_* metrics. */
  name: string;
  /** Source of time for delays and durations. */
  clock: Clock;
  /** Registry that receives the workqueue_* metrics. */
  registry: Registry;
  /** Retry policy; default {@link createDefaultRetryRateLimiter} (5 ms → 1000 s per key, 10/s overall). */
  rateLimiter?: RetryRateLimiter;
}

/**
 * A keyed work queue with client-go semantics: a key waits at most once (adds de-duplicate), a key is never
 * handed to two workers at once (a key added while it is being processed runs again after `done`),
 * `addAfter` delays, `addRateLimited` retries with backoff, `forget` clears the backoff.
 */
export class WorkQueue {
  readonly #name: string;
  readonly #clock: Clock;
  readonly #limiter: RetryRateLimiter;
  readonly #metrics: ControllerMetrics;
  // FIFO of keys ready to be handed out; each key appears at most once and is also in #dirty.
  #queue: string[] = [];
  readonly #dirty = new Set<string>();
  readonly #processing = new Map<string, number>();
  readonly #addedAtMs = new Map<string, number>();
  readonly #delayed = new Map<string, { dueMs: number; cancel: CancelTimer }>();
  #waiters: ((key: string | undefined) => void)[] = [];
  #shuttingDown = false;

  /** Builds an empty queue. */
  constructor(options: WorkQueueOptions) {
    this.#name = options.name;
    this.#clock = options.clock;
    this.#limiter = options.rateLimiter ?? createDefaultRetryRateLimiter({ clock: options.clock });
    this.#metrics = controllerMetrics(options.registry);
    this.#metrics.workqueueDepth.set({ name: this.#name }, 0);
  }

  /** Marks `key` as needing work. No-op when it already waits or after shutdown. */
  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#metrics.workqueueAdds.inc({ name: this.#name });
    this.#dirty.add(key);
    this.#addedAtMs.set(key, this.#clock.nowMs());
    // A key being processed is only marked dirty; done() puts it back in the queue.
    if (this.#processing.has(key)) return;
    this.#enqueue(key);
  }

  /** Adds `key` after `delayMs`; when the key is already scheduled, the earlier time wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const dueMs = this.#clock.nowMs() + delayMs;
    const existing = this.#delayed.get(key);
    if (existing && existing.dueMs <= dueMs) return;
    existing?.cancel();
    const cancel = this.#clock.setTimer(delayMs, () => {
      this.#delayed.delete(key);
      this.add(key);
    });
    this.#delayed.set(key, { dueMs, cancel });
  }

  /** Adds `key` after the rate limiter's backoff for it (counts a retry). */
  addRateLimited(key: string): void {
    if (this.#shuttingDown) return;
    this.#metrics.workqueueRetries.inc({ name: this.#name });
    this.addAfter(key, this.#limiter.whenMs(key));
  }

  /** Clears the retry history of `key`; call after it was processed successfully. */
  forget(key: string): void {
    this.#limiter.forget(key);
  }

  /** How many times `key` was retried since it was last forgotten. */
  numRequeues(key: string): number {
    return this.#limiter.numRequeues(key);
  }

  /** Keys waiting to be handed out (not counting delayed or in-flight keys). */
  len(): number {
    return this.#queue.length;
  }

  /** True after {@link shutDown}. */
  isShuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /**
   * Waits for the next key and marks it as being processed; resolves undefined once the queue is shut down
   * and empty. The caller must call {@link done} with the key when finished.
   */
  get(): Promise<string | undefined> {
    const key = this.#take();
    if (key !== undefined || this.#shuttingDown) return Promise.resolve(key);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Ends processing of `key`; if it was added meanwhile, it goes back into the queue. */
  done(key: string): void {
    const startedMs = this.#processing.get(key);
    if (startedMs === undefined) return;
    this.#processing.delete(key);
    this.#metrics.workqueueWorkDuration.observe(
      { name: this.#name },
      Math.max(0, this.#clock.nowMs() - startedMs) / 1000,
    );
    if (this.#dirty.has(key)) this.#enqueue(key);
    else if (this.#shuttingDown && this.#processing.size === 0) this.#wakeAll();
  }

  /** Stops accepting keys, cancels delayed ones and wakes idle workers with undefined once drained. */
  shutDown(): void {
    this.#shuttingDown = true;
    for (const { cancel } of this.#delayed.values()) cancel();
    this.#delayed.clear();
    if (this.#queue.length === 0) this.#wakeAll();
  }

  #enqueue(key: string): void {
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#queue.push(key);
      waiter(this.#take());
      return;
    }
    this.#queue.push(key);
    this.#metrics.workqueueDepth.set({ name: this.#name }, this.#queue.length);
  }

  #take(): string | undefined {
    const key = this.#queue.shift();
    if (key === undefined) return undefined;
    this.#dirty.delete(key);
    const now = this.#clock.nowMs();
    this.#processing.set(key, now);
    const addedAt = this.#addedAtMs.get(key) ?? now;
    this.#addedAtMs.delete(key);
    this.#metrics.workqueueQueueDuration.observe({ name: this.#name }, Math.max(0, now - addedAt) / 1000);
    this.#metrics.workqueueDepth.set({ name: this.#name }, this.#queue.length);
    return key;
  }

  #wakeAll(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter(undefined);
  }
}
