import type { V1Lease, V1LeaseSpec } from '@kubernetes/client-node';
import type { LeaseClient } from '../../../src/controller/lease-client.js';

/** A Lease spec as it travels on the wire: MicroTime fields are strings. */
export type WireLeaseSpec = Omit<V1LeaseSpec, 'acquireTime' | 'renewTime'> & {
  acquireTime?: string;
  renewTime?: string;
};

/** An error shaped like client-node's ApiException (only `code` matters to the elector). */
export class FakeApiError extends Error {
  constructor(readonly code: number) {
    super(`HTTP ${code}`);
  }
}

/**
 * An in-memory Lease store with apiserver semantics that matter here: resourceVersion preconditions (409),
 * create conflicts (409), 404 as undefined; and switches to make calls fail. Stored leases pass through JSON so
 * MicroTime values come back as strings, as they do from the real API.
 */
export class FakeLeaseClient implements LeaseClient {
  leases = new Map<string, V1Lease>();
  failing = false;
  writes: V1Lease[] = [];
  #rv = 0;

  async get(namespace: string, name: string): Promise<V1Lease | undefined> {
    this.#maybeFail();
    const lease = this.leases.get(`${namespace}/${name}`);
    return lease ? structuredClone(lease) : undefined;
  }

  async create(namespace: string, lease: V1Lease): Promise<V1Lease> {
    this.#maybeFail();
    const key = `${namespace}/${lease.metadata?.name}`;
    if (this.leases.has(key)) throw new FakeApiError(409);
    return this.#store(key, lease);
  }

  async replace(namespace: string, name: string, lease: V1Lease): Promise<V1Lease> {
    this.#maybeFail();
    const key = `${namespace}/${name}`;
    const current = this.leases.get(key);
    if (!current) throw new FakeApiError(404);
    if (lease.metadata?.resourceVersion !== current.metadata?.resourceVersion) throw new FakeApiError(409);
    return this.#store(key, lease);
  }

  async list(namespace: string): Promise<V1Lease[]> {
    this.#maybeFail();
    return [...this.leases.entries()]
      .filter(([key]) => key.startsWith(`${namespace}/`))
      .map(([, lease]) => structuredClone(lease));
  }

  /** Stores a lease as another process would (no precondition). */
  put(namespace: string, name: string, spec: WireLeaseSpec): void {
    this.#store(`${namespace}/${name}`, { metadata: { name, namespace }, spec } as V1Lease);
  }

  #store(key: string, lease: V1Lease): V1Lease {
    this.#rv += 1;
    const stored = JSON.parse(JSON.stringify(lease)) as V1Lease;
    stored.metadata = { ...stored.metadata, resourceVersion: String(this.#rv) };
    this.leases.set(key, stored);
    this.writes.push(lease);
    return structuredClone(stored);
  }

  #maybeFail(): void {
    if (this.failing) throw new FakeApiError(500);
  }
}
