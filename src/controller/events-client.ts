import {
  PatchStrategy,
  setHeaderOptions,
  type EventsV1Api,
  type EventsV1Event,
  type EventsV1EventSeries,
} from '@kubernetes/client-node';

/** The two events.k8s.io/v1 calls the recorder makes; a seam for unit tests. */
export interface EventsClient {
  /** Creates an Event. */
  create(namespace: string, event: EventsV1Event): Promise<void>;
  /** Merge-patches an Event's series; rejects with HTTP status 404 when the Event is gone. */
  patchSeries(namespace: string, name: string, series: EventsV1EventSeries): Promise<void>;
}

/** An {@link EventsClient} over client-node's EventsV1Api (merge patch forced; the default is JSON Patch). */
export function createEventsClient(api: EventsV1Api): EventsClient {
  return {
    async create(namespace, body) {
      await api.createNamespacedEvent({ namespace, body });
    },
    async patchSeries(namespace, name, series) {
      await api.patchNamespacedEvent(
        { namespace, name, body: { series } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    },
  };
}
