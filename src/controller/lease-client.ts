import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import { apiErrorStatus } from './api-error-status.js';

/** The three Lease calls leader election needs; a seam so unit tests can use an in-memory fake. */
export interface LeaseClient {
  /** Reads the Lease; undefined when it does not exist (404). */
  get(namespace: string, name: string): Promise<V1Lease | undefined>;
  /** Creates the Lease; rejects with an error whose HTTP status is 409 when it already exists. */
  create(namespace: string, lease: V1Lease): Promise<V1Lease>;
  /**
   * Replaces the whole Lease; `lease.metadata.resourceVersion` is the optimistic lock, so a concurrent
   * writer makes this reject with status 409.
   */
  replace(namespace: string, name: string, lease: V1Lease): Promise<V1Lease>;
  /** Lists the Leases of a namespace (only sharding needs it: it counts replicas by their membership Leases). */
  list?(namespace: string): Promise<V1Lease[]>;
}

/** A {@link LeaseClient} over client-node's CoordinationV1Api. */
export function createLeaseClient(api: CoordinationV1Api): LeaseClient {
  return {
    async get(namespace, name) {
      try {
        return await api.readNamespacedLease({ namespace, name });
      } catch (err) {
        if (apiErrorStatus(err) === 404) return undefined;
        throw err;
      }
    },
    create: (namespace, body) => api.createNamespacedLease({ namespace, body }),
    replace: (namespace, name, body) => api.replaceNamespacedLease({ namespace, name, body }),
    list: async (namespace) => (await api.listNamespacedLease({ namespace })).items,
  };
}
