/** Cancels a timer scheduled through a {@link Clock}; calling it twice or after the timer fired is harmless. */
export type CancelTimer = () => void;

/**
 * The only way controller code reads time or waits. Injected so unit tests can jump in time with a fake
 * clock instead of waiting on real delays.
 */
export interface Clock {
  /** Milliseconds since the epoch (wall time, the same scale as `Date.now()`). */
  nowMs(): number;
  /** Runs `callback` once after `delayMs` (negative means as soon as possible); returns its canceller. */
  setTimer(delayMs: number, callback: () => void): CancelTimer;
  /**
   * Resolves after `ms`, or early (without rejecting) when `signal` aborts. Same shape as the engine's
   * Clock, so one clock object serves both rooms.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock, which also reads the calling thread's CPU time (the engine's cycles report it per phase). */
export interface SystemClock extends Clock {
  /** CPU time the calling thread has used, ms (user and system). */
  threadCpuMs(): number;
}

/** Implements {@link Clock.sleep} on top of a clock's `setTimer`. */
export function sleepOnTimer(
  clock: Pick<Clock, 'setTimer'>,
  delayMs: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      cancel();
      resolve();
    };
    const cancel = clock.setTimer(delayMs, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The real clock: `Date.now()` and Node timers. Built once in the composition root and passed down. */
export function createSystemClock(): SystemClock {
  const clock: SystemClock = {
    nowMs: () => Date.now(),
    setTimer: (delayMs, callback) => {
      const handle = setTimeout(callback, Math.max(0, delayMs));
      return () => clearTimeout(handle);
    },
    sleep: (ms, signal) => sleepOnTimer(clock, ms, signal),
    threadCpuMs: () => {
      const used = process.threadCpuUsage();
      return (used.user + used.system) / 1000;
    },
  };
  return clock;
}
