/**
 * One shared, frozen copy of each recurring status condition in the informer caches. Every cached PacingTarget
 * carries about three conditions, and most of them are equal across targets: a cycle stamps thousands of targets
 * with the same reason, message and second. In a heap snapshot of a 30,000-target replica the cache held 90,000
 * condition objects (about 100 bytes each) of which about 1,500 differed. Frozen, because a shared copy must not be
 * edited through one target; nothing edits cached objects (readers parse them into their own copies).
 *
 * Bounded like the string pool: emptied when it reaches its capacity, so conditions that never recur cannot grow it
 * without bound; the next objects re-seed it.
 */
export class ConditionPool {
  readonly #conditions = new Map<string, object>();
  readonly #capacity: number;

  /** An empty pool of at most `capacity` distinct conditions (default 4,096). */
  constructor(capacity = 4096) {
    this.#capacity = capacity;
  }

  /**
   * Replaces, in place, each condition of `list` that is a flat record of strings, numbers and booleans by its pooled
   * copy; anything else (not an array, a condition with nested values) is left as it is.
   */
  shareAll(list: unknown): void {
    if (!Array.isArray(list) || Object.isFrozen(list)) return;
    for (let i = 0; i < list.length; i++) {
      const condition: unknown = list[i];
      if (isFlatRecord(condition)) list[i] = this.#share(condition);
    }
  }

  /** Distinct conditions in the pool now. */
  get size(): number {
    return this.#conditions.size;
  }

  #share(condition: Record<string, unknown>): object {
    // Property order is part of the key: equal conditions listed in another order are only shared less, never wrongly.
    const key = JSON.stringify(condition);
    const pooled = this.#conditions.get(key);
    if (pooled !== undefined) return pooled;
    if (this.#conditions.size >= this.#capacity) this.#conditions.clear();
    Object.freeze(condition);
    this.#conditions.set(key, condition);
    return condition;
  }
}

function isFlatRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if (Object.isFrozen(value)) return false; // already pooled, or frozen by someone else: leave it
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const field = record[key];
    if (typeof field !== 'string' && typeof field !== 'number' && typeof field !== 'boolean') return false;
  }
  return true;
}

/** The process's pool, shared by the PacingCluster and PacingTarget informers. */
export const sharedConditionPool = new ConditionPool();

/** Shares the `status.conditions` of a cached object through {@link sharedConditionPool}. */
export function shareStatusConditions(obj: object): void {
  const status = (obj as { status?: unknown }).status;
  if (status === null || typeof status !== 'object') return;
  sharedConditionPool.shareAll((status as { conditions?: unknown }).conditions);
}
