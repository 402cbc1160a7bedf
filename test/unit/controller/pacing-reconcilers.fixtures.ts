import type { V1Secret } from '@kubernetes/client-node';
import pino from 'pino';
import { FakeClock } from './fake-clock.js';
import { PacingStatusBook, type CachedObjects, type PacingObjectRef } from '../../../src/controller/index.js';
import {
  WorkerRegistry,
  type ClusterConfig,
  type DesiredWorker,
  type PacingWorkerPorts,
  type TargetConfig,
} from '../../../src/engine/index.js';

/** A map-backed informer cache. */
export class MapCache<T> implements CachedObjects<T> {
  readonly objects = new Map<string, T>();
  get(key: string): T | undefined {
    return this.objects.get(key);
  }
  list(namespace?: string): readonly T[] {
    return [...this.objects.entries()]
      .filter(([key]) => namespace === undefined || key.startsWith(`${namespace}/`))
      .map(([, value]) => value);
  }
}

/** A PacingCluster as the API server returns it (defaults applied), with overrides of its spec. */
export function aClusterObject(spec: Record<string, unknown> = {}, generation = 1): Record<string, unknown> {
  return {
    apiVersion: 'pacing.agentpacing.dev/v1alpha1',
    kind: 'PacingCluster',
    metadata: { name: 'main', namespace: 'tenant', generation, uid: 'uid-main' },
    spec: {
      refreshPeriod: '5s',
      optimizationGoal: 4,
      policy: 'progressive',
      statsSource: { url: 'http://127.0.0.1:1', timeout: '2s', staleAfter: '15s' },
      engagement: {
        baseAuthURL: 'http://127.0.0.1:2/oauth/token',
        baseServiceURL: 'http://127.0.0.1:3',
        targetEndpoint: '/v1/pacing',
        credentialsSecretRef: { name: 'creds' },
        timeout: '5s',
      },
      alarms: {},
      statusUpdatePeriod: '10s',
      learnedStateSavePeriod: '1m',
      ...spec,
    },
  };
}

/** A PacingTarget object with overrides of its spec. */
export function aTargetObject(
  name: string,
  spec: Record<string, unknown> = {},
  generation = 1,
): Record<string, unknown> {
  return {
    apiVersion: 'pacing.agentpacing.dev/v1alpha1',
    kind: 'PacingTarget',
    metadata: { name, namespace: 'tenant', generation, uid: `uid-${name}` },
    spec: {
      clusterRef: { name: 'main' },
      virtualQueue: { name: 'Chat', media: 'chat' },
      agentGroups: [{ name: 'Chat Agents', agents: ['a-1', 'a-2'] }],
      paused: false,
      ...spec,
    },
  };
}

/** The engagement Secret with `data` base64-encoded as the API server returns it. */
export function aSecret(values: Record<string, string>, name = 'creds'): V1Secret {
  return {
    metadata: { name, namespace: 'tenant' },
    data: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

/** A status book whose writes are kept, always leading. */
export function aRecordingBook() {
  const writes: { ref: PacingObjectRef; status: Record<string, unknown> }[] = [];
  const events: { name: string; type: string; reason: string }[] = [];
  const book = new PacingStatusBook({
    writer: { submit: (ref, status) => writes.push({ ref, status }) },
    events: { emit: (ref, type, reason) => events.push({ name: ref.name, type, reason }) },
    nowMs: () => Date.parse('2026-11-25T18:00:00.000Z'),
    isLeader: () => true,
    identity: 'replica-a',
  });
  const conditionsOf = (name: string) =>
    (writes.filter((w) => w.ref.name === name).at(-1)?.status.conditions ?? []) as {
      type: string;
      status: string;
      reason: string;
      message: string;
    }[];
  const lastStatusOf = (name: string) => writes.filter((w) => w.ref.name === name).at(-1)?.status;
  return { book, writes, events, conditionsOf, lastStatusOf };
}

/**
 * A worker factory whose workers never tick (no cycles in reconciler tests): what the reconcilers ask for is
 * visible through the registry's view and the recorded builds.
 */
export function aQuietWorkerFactory() {
  const builds: { config: ClusterConfig; clientSecret: string }[] = [];
  // Sleeps end only when the worker stops: no cycle ever runs.
  const neverTicking: PacingWorkerPorts['clock'] = {
    nowMs: () => 0,
    sleep: (_ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) resolve();
        signal?.addEventListener('abort', () => resolve(), { once: true });
      }),
  };
  const factory = (
    cluster: { metadata: { name?: string | undefined; namespace?: string | undefined } },
    durations: { refreshPeriodMs: number; statsStaleAfterMs: number; learnedStateSavePeriodMs: number },
    credentials: { clientSecret: string },
  ): DesiredWorker => {
    const config: ClusterConfig = {
      key: `${cluster.metadata.namespace}/${cluster.metadata.name}`,
      clusterId: 'main',
      refreshPeriodMs: durations.refreshPeriodMs,
      statsStaleAfterMs: durations.statsStaleAfterMs,
      policy: 'progressive',
      cycleTimeoutMs: durations.refreshPeriodMs,
      stateSaveIntervalMs: durations.learnedStateSavePeriodMs,
    };
    return {
      config,
      connectionFingerprint: credentials.clientSecret,
      buildPorts: () => {
        builds.push({ config, clientSecret: credentials.clientSecret });
        return {
          stats: { fetch: () => Promise.reject(new Error('not used')) },
          engagement: { exchange: () => Promise.reject(new Error('not used')) },
          decider: { decide: () => ({ targets: [], learnedState: {} }) },
          fence: { holdsValidLease: () => true },
          clock: neverTicking,
          publisher: 'replica-a',
          sink: { cycleCompleted: () => undefined, cyclesSkipped: () => undefined },
          logger: silentLogger,
        };
      },
    };
  };
  return { builds, factory };
}

/** A silent logger. */
export const silentLogger = pino({ level: 'silent' });

/** A registry plus a way to read a cluster's targets. */
export function aRegistry() {
  const registry = new WorkerRegistry({ clock: new FakeClock() });
  const targetsOf = (clusterKey: string): readonly TargetConfig[] =>
    registry.workerOf(clusterKey)?.targets ?? [];
  return { registry, targetsOf };
}
