/**
 * The engine's only source of time. Injected so that unit tests drive cycles with a fake clock and the
 * production composition root passes the controller's system clock (`createSystemClock`), which has this shape.
 */
export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  nowMs(): number;
  /** Resolves after `ms` milliseconds, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * CPU time this thread has used, ms. Optional: without it a cycle reports wall time only. With it, a cycle tells
   * its own work from waiting for a core shared with other processes.
   */
  threadCpuMs?(): number;
}
