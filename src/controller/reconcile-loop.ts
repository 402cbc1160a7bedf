import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from './clock.js';
import { controllerMetrics, type ControllerMetrics } from './controller-metrics.js';
import { ControllerConfigError, TerminalError } from './errors.js';
import type { Reconciler } from './reconcile-result.js';
import type { WorkQueue } from './work-queue.js';

/** Options of a {@link ReconcileLoop}. */
export interface ReconcileLoopOptions {
  /** Controller name: the `controller` label of controller_runtime_* metrics and the log field. */
  name: string;
  /** Queue the loop takes keys from; event handlers add keys to it. */
  queue: WorkQueue;
  /** The reconcile function. */
  reconcile: Reconciler;
  /** Workers running reconciles for different keys in parallel (1–64). Default 1, like controller-runtime. */
  concurrency?: number;
  /** Source of time for durations. */
  clock: Clock;
  /** Registry that receives controller_runtime_* metrics. */
  registry: Registry;
  /** Logger; the loop logs failed reconciles with `controller` and `key`. */
  logger: Logger;
}

/**
 * Runs reconciles from a {@link WorkQueue} with controller-runtime's result handling: success forgets the
 * key, `requeueAfterMs` forgets then re-adds after the delay, `TerminalError` is counted and dropped, any other
 * error is retried with the queue's rate limiter. Counts totals, errors and durations per controller.
 */
export class ReconcileLoop {
  readonly #options: ReconcileLoopOptions;
  readonly #metrics: ControllerMetrics;
  readonly #abort = new AbortController();
  #workers: Promise<void>[] = [];

  /** @throws ControllerConfigError when concurrency is out of range. */
  constructor(options: ReconcileLoopOptions) {
    const concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
      throw new ControllerConfigError(`reconcile loop "${options.name}": concurrency must be 1..64`);
    }
    this.#options = { ...options, concurrency };
    this.#metrics = controllerMetrics(options.registry);
  }

  /** Starts the workers; they run until {@link stop}. Calling it twice has no effect. */
  start(): void {
    if (this.#workers.length > 0) return;
    for (let i = 0; i < (this.#options.concurrency ?? 1); i += 1) this.#workers.push(this.#work());
  }

  /** Shuts the queue down, aborts running reconciles' signal and waits for the workers to finish. */
  async stop(): Promise<void> {
    this.#options.queue.shutDown();
    this.#abort.abort();
    await Promise.all(this.#workers);
  }

  async #work(): Promise<void> {
    const { queue } = this.#options;
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await this.#reconcileOne(key);
      } finally {
        queue.done(key);
      }
    }
  }

  async #reconcileOne(key: string): Promise<void> {
    const { name, queue, reconcile, clock, logger } = this.#options;
    const controller = { controller: name };
    const startedMs = clock.nowMs();
    try {
      const result = await reconcile(key, this.#abort.signal);
      const requeueAfterMs = result.requeueAfterMs ?? 0;
      queue.forget(key);
      if (requeueAfterMs > 0) {
        queue.addAfter(key, requeueAfterMs);
        this.#metrics.reconcileTotal.inc({ ...controller, result: 'requeue_after' });
      } else {
        this.#metrics.reconcileTotal.inc({ ...controller, result: 'success' });
      }
    } catch (err) {
      this.#metrics.reconcileTotal.inc({ ...controller, result: 'error' });
      this.#metrics.reconcileErrors.inc(controller);
      if (err instanceof TerminalError) {
        this.#metrics.terminalReconcileErrors.inc(controller);
        queue.forget(key);
        logger.warn({ controller: name, key, err }, 'reconcile failed terminally; waiting for a change');
      } else {
        queue.addRateLimited(key);
        logger.warn(
          { controller: name, key, err, retries: queue.numRequeues(key) },
          'reconcile failed; retrying with backoff',
        );
      }
    } finally {
      this.#metrics.reconcileTime.observe(controller, Math.max(0, clock.nowMs() - startedMs) / 1000);
    }
  }
}
