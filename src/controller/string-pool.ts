/**
 * One copy of each recurring short string. The informer caches and the status book hold the same few strings for
 * every target: the namespace, the cluster reference, the media, condition types, reasons, messages and
 * timestamps. Parsed or built one target at a time, each is its own copy: at 10,000 targets that was about 20 MiB of
 * duplicates in a 127 MiB heap. Strings longer than {@link StringPoolOptions.maxLength} are left alone (they are
 * rarely shared), and the pool is emptied when it reaches {@link StringPoolOptions.capacity} distinct strings, so
 * unique values (names, UIDs) cannot grow it without bound: after a reset, the next object re-seeds it.
 */
export interface StringPoolOptions {
  readonly capacity?: number;
  readonly maxLength?: number;
}

/** Keys whose values are unique per object version: pooling them would only churn the pool. */
const uniqueKeys = new Set(['uid', 'resourceVersion']);

/** A bounded string interner (see the module comment). */
export class StringPool {
  readonly #strings = new Map<string, string>();
  readonly #capacity: number;
  readonly #maxLength: number;

  /** An empty pool; capacity 8,192 strings of at most 256 characters by default. */
  constructor(options: StringPoolOptions = {}) {
    this.#capacity = options.capacity ?? 8192;
    this.#maxLength = options.maxLength ?? 256;
  }

  /**
   * The pooled copy of `value`, which becomes the pooled copy when there is none. Give it strings that own their
   * characters (built, or copied by structuredClone): a pooled slice of a response would keep the response alive.
   */
  intern(value: string): string {
    if (value.length > this.#maxLength) return value;
    const pooled = this.#strings.get(value);
    if (pooled !== undefined) return pooled;
    if (this.#strings.size >= this.#capacity) this.#strings.clear();
    this.#strings.set(value, value);
    return value;
  }

  /** Replaces, in place, every string value of a JSON-shaped object tree by its pooled copy; returns the tree. */
  internAll<V>(tree: V): V {
    this.#internValues(tree as unknown);
    return tree;
  }

  /** Distinct strings in the pool now. */
  get size(): number {
    return this.#strings.size;
  }

  #internValues(node: unknown): void {
    if (Object.isFrozen(node)) return; // primitives, and objects someone froze: not ours to rewrite
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item === 'string') node[i] = this.intern(item);
        else if (item !== null && typeof item === 'object') this.#internValues(item);
      }
    } else if (node !== null && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const value = record[key];
        if (typeof value === 'string') {
          if (!uniqueKeys.has(key)) record[key] = this.intern(value);
        } else if (value !== null && typeof value === 'object') {
          this.#internValues(value);
        }
      }
    }
  }
}

/** The process's pool, shared by the informers and the status book so that they hold the same copies. */
export const sharedStringPool = new StringPool();
