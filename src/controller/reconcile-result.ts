/**
 * What a reconciler returns. Level-based: the reconciler reads the current state from the cache by key and
 * makes the world match it; the result only says when to look again.
 * - `{}`: done, forget the key's backoff.
 * - `{ requeueAfterMs }`: done for now, come back after this many ms (forgets the backoff).
 * - a thrown `TerminalError`: record and count, do not retry (wait for the next change).
 * - any other thrown error: retry with per-key exponential backoff.
 */
export interface ReconcileResult {
  /** Milliseconds until the key should be reconciled again; absent or <= 0 means no timed requeue. */
  requeueAfterMs?: number;
}

/** Reconciles the object named by a `namespace/name` key; `signal` aborts when the loop stops. */
export type Reconciler = (key: string, signal: AbortSignal) => Promise<ReconcileResult>;
