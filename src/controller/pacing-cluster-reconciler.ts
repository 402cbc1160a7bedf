import type { V1Secret } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { validatePacingCluster, type PacingCluster, type PacingClusterDurationsMs } from '../api/index.js';
import {
  EngineConfigError,
  type DesiredWorker,
  type WorkerCredentials,
  type WorkerRegistry,
} from '../engine/index.js';
import type { CachedObjects } from './cached-objects.js';
import { parseObjectKey } from './object-key.js';
import { lookUpCredentials } from './pacing-cluster-credentials.js';
import { DEFAULT_STATUS_UPDATE_PERIOD_MS, type PacingStatusBook } from './pacing-status-book.js';
import { readRawObjectFields } from './raw-object-fields.js';
import type { Reconciler } from './reconcile-result.js';

/** Builds what a worker needs from a valid cluster and its credentials (clients, decider, sinks). */
export type WorkerFactory = (
  cluster: PacingCluster,
  durationsMs: PacingClusterDurationsMs,
  credentials: WorkerCredentials,
) => DesiredWorker;

/** Dependencies of the PacingCluster reconciler. */
export interface PacingClusterReconcilerOptions {
  /** PacingCluster informer cache (objects as the API server returns them). */
  readonly clusters: CachedObjects<unknown>;
  /** Secret informer cache. */
  readonly secrets: CachedObjects<V1Secret>;
  /** The running workers. */
  readonly registry: WorkerRegistry;
  /** Status of every pacing object. */
  readonly book: PacingStatusBook;
  /** Builds a worker's ports and configuration. */
  readonly buildWorker: WorkerFactory;
  /** Re-reconciles the targets of a cluster, whose Ready condition follows the cluster's. */
  readonly enqueueTargetsOf: (namespace: string, clusterName: string) => void;
  /** Logger. */
  readonly logger: Logger;
}

/** The state of a deleted cluster, for which its targets are woken once. */
const GONE = 'gone';

/**
 * Reconciles one PacingCluster: one pacing worker per valid cluster whose credentials can be read. Level-based:
 * every pass rebuilds the desired worker from the cache, so it does not matter which event woke it.
 */
export function createPacingClusterReconciler(options: PacingClusterReconcilerOptions): Reconciler {
  const { clusters, secrets, registry, book, buildWorker, logger } = options;
  // What the targets of each cluster were last woken for: its generation and the outcome of its reconcile. A
  // pass that ends where the last one did (every periodic resync) wakes nobody: waking 30,000 targets at once
  // cost every replica seconds of CPU in the middle of its cycles.
  const wokenFor = new Map<string, string>();
  const enqueueTargetsOf = (namespace: string, name: string, state: string): void => {
    const key = `${namespace}/${name}`;
    if (wokenFor.get(key) === state) return;
    if (state === GONE) wokenFor.delete(key);
    else wokenFor.set(key, state);
    options.enqueueTargetsOf(namespace, name);
  };
  return async (key) => {
    const { namespace = 'default', name } = parseObjectKey(key);
    // 1. Read the cluster from the cache; gone means its worker stops and its targets learn so.
    const object = clusters.get(key);
    if (object === undefined) {
      await registry.remove(key);
      book.forget('PacingCluster', key);
      enqueueTargetsOf(namespace, name, GONE);
      logger.info({ cluster: key }, 'pacing cluster deleted; worker stopped');
      return {};
    }

    // 2. Validate the spec as deeply as the operator needs it (durations, URLs, everything the CRD may miss).
    const validation = validatePacingCluster(object);
    const raw = readRawObjectFields(object);
    // The targets read the cluster's spec (generation) and its Ready condition.
    const wakeTargets = (): void => {
      const ready = book.conditionOf('PacingCluster', key, 'Ready');
      enqueueTargetsOf(
        namespace,
        name,
        `${raw.generation}|${ready?.status}|${ready?.reason}|${ready?.message}`,
      );
    };
    book.observe(
      { kind: 'PacingCluster', namespace, name, uid: raw.uid },
      raw.generation,
      raw.conditions,
      validation.isValid ? validation.durationsMs.statusUpdatePeriodMs : DEFAULT_STATUS_UPDATE_PERIOD_MS,
    );
    if (!validation.isValid) {
      await registry.remove(key);
      book.setClusterConditions(key, [
        { type: 'Ready', status: 'False', reason: 'InvalidSpec', message: validation.message },
      ]);
      wakeTargets();
      return {}; // waits for the next edit
    }
    const { cluster, durationsMs } = validation;

    // 3. Credentials from the Secret cache; a missing or corrupt Secret stops this cluster only.
    const lookup = lookUpCredentials(cluster, secrets);
    if (!lookup.isFound) {
      await registry.remove(key);
      book.setClusterConditions(key, [
        { type: 'Ready', status: 'False', reason: 'CredentialsMissing', message: lookup.message },
      ]);
      wakeTargets();
      return {}; // a Secret event wakes this key again
    }

    // 4. Create, reconfigure or replace the worker.
    try {
      await registry.upsert(buildWorker(cluster, durationsMs, lookup.credentials));
    } catch (error) {
      if (!(error instanceof EngineConfigError)) throw error;
      await registry.remove(key);
      book.setClusterConditions(key, [
        { type: 'Ready', status: 'False', reason: 'InvalidSpec', message: error.message },
      ]);
      wakeTargets();
      return {};
    }

    // 5. Status: the worker runs (it paces only on the lease holder, which is the only one writing status).
    book.setClusterConditions(key, [
      {
        type: 'Ready',
        status: 'True',
        reason: 'WorkerRunning',
        message: `pacing every ${cluster.spec.refreshPeriod} with the ${cluster.spec.policy} policy`,
      },
    ]);
    wakeTargets();
    return {};
  };
}
