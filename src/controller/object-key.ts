/** The minimum an object needs to have a queue key. */
export interface KeyedObject {
  metadata?: { name?: string; namespace?: string };
}

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones (the client-go convention). */
export function objectKey(obj: KeyedObject): string {
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key made by {@link objectKey}; `namespace` is undefined for cluster-scoped keys. */
export function parseObjectKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  if (slash < 0) return { namespace: undefined, name: key };
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
