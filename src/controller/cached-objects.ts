/** Read access to an informer's cache: what reconcilers read instead of calling the API server. */
export interface CachedObjects<T> {
  /** The cached object named by a `namespace/name` key, or undefined when it does not exist. */
  get(key: string): T | undefined;
  /** Cached objects, optionally of one namespace. */
  list(namespace?: string): readonly T[];
}

/** Several caches (one informer per watched namespace) read as one. */
export function combineCachedObjects<T>(caches: readonly CachedObjects<T>[]): CachedObjects<T> {
  if (caches.length === 1) return caches[0]!;
  return {
    get: (key) => {
      for (const cache of caches) {
        const found = cache.get(key);
        if (found !== undefined) return found;
      }
      return undefined;
    },
    list: (namespace) => caches.flatMap((cache) => cache.list(namespace)),
  };
}
