import type { Logger } from 'pino';
import {
  defaultOptimizationGoalPercent,
  validatePacingTarget,
  type PacingTargetValidation,
} from '../api/index.js';
import { targetIdOf, type TargetConfig, type WorkerRegistry } from '../engine/index.js';
import type { CachedObjects } from './cached-objects.js';
import { ClusterValidationCache } from './cluster-validation-cache.js';
import { parseObjectKey } from './object-key.js';
import { DEFAULT_STATUS_UPDATE_PERIOD_MS, type PacingStatusBook } from './pacing-status-book.js';
import { createdAtMsOf, readRawObjectFields } from './raw-object-fields.js';
import type { Reconciler } from './reconcile-result.js';
import { VirtualQueueClaims } from './virtual-queue-claims.js';

/** Dependencies of the PacingTarget reconciler. */
export interface PacingTargetReconcilerOptions {
  /** PacingTarget informer cache. */
  readonly targets: CachedObjects<unknown>;
  /** PacingCluster informer cache. */
  readonly clusters: CachedObjects<unknown>;
  /** The running workers and their members. */
  readonly registry: WorkerRegistry;
  /** Status of every pacing object. */
  readonly book: PacingStatusBook;
  /** Logger. */
  readonly logger: Logger;
  /** Shared cache of cluster validations; default one of this reconciler's own. */
  readonly clusterValidations?: ClusterValidationCache;
  /**
   * Reconciles another target again (the operator's work queue): called when a virtual queue two targets name
   * changes hands. Without it, a target waiting for a queue is paced only at its next reconcile.
   */
  readonly requeue?: (key: string) => void;
}

/**
 * Reconciles one PacingTarget: its membership in its cluster's worker. A target whose spec fails the operator's
 * parse (a skill expression, say), whose cluster is missing or not ready, or whose virtual queue and media an
 * older target of its cluster already paces is taken out of pacing with a condition saying why; the other targets
 * of the cluster keep pacing.
 */
export function createPacingTargetReconciler(options: PacingTargetReconcilerOptions): Reconciler {
  const { targets, clusters, registry, book, logger } = options;
  const clusterValidations = options.clusterValidations ?? new ClusterValidationCache();
  const claims = new VirtualQueueClaims();
  const requeueAll = (keys: readonly string[]): void => {
    for (const other of keys) options.requeue?.(other);
  };
  /** Takes the target out of its worker and hands on any virtual queue it held. */
  const unpace = (key: string): void => {
    registry.removeTarget(key);
    requeueAll(claims.release(key));
  };
  let isSeeded = false;
  return async (key) => {
    // Before the first reconcile, every cached target claims the queue its spec names: after a restart the informer
    // lists targets by name, not age, and a newer one reconciled first would otherwise pace (and say so in its
    // conditions and Events) until the holder's own reconcile took the queue back. Each reconcile then corrects its
    // target's claim (an invalid one, or one whose cluster is not ready, lets go).
    if (!isSeeded) {
      isSeeded = true;
      for (const cached of targets.list()) {
        const claim = claimOf(cached);
        if (claim !== undefined) claims.claim(claim.key, claim.queue, claim.createdAtMs);
      }
    }
    const { namespace = 'default', name } = parseObjectKey(key);
    // 1. Read the target from the cache; gone means its cluster's worker drops it from the next cycle.
    const object = targets.get(key);
    if (object === undefined) {
      unpace(key);
      book.forget('PacingTarget', key);
      logger.info({ target: key }, 'pacing target deleted; no longer paced');
      return {};
    }

    // 2. Validate the spec, skill expressions included: Accepted says whether the spec can be paced at all.
    const raw = readRawObjectFields(object);
    const validation: PacingTargetValidation = validatePacingTarget(object);
    const clusterName = validation.isValid ? validation.target.spec.clusterRef.name : undefined;
    const clusterKey = clusterName === undefined ? undefined : `${namespace}/${clusterName}`;
    const clusterValidation =
      clusterKey === undefined ? undefined : validateCluster(clusterValidations, clusters.get(clusterKey));
    book.observe(
      { kind: 'PacingTarget', namespace, name, uid: raw.uid },
      raw.generation,
      raw.conditions,
      clusterValidation?.isValid
        ? clusterValidation.durationsMs.statusUpdatePeriodMs
        : DEFAULT_STATUS_UPDATE_PERIOD_MS,
    );
    if (!validation.isValid) {
      unpace(key);
      book.setTargetConditions(key, [
        { type: 'Accepted', status: 'False', reason: validation.reason, message: validation.message },
        { type: 'Ready', status: 'False', reason: 'InvalidSpec', message: 'the spec is not accepted' },
        {
          type: 'Pacing',
          status: 'False',
          reason: 'InvalidSpec',
          message: 'the spec is not accepted',
        },
      ]);
      return {}; // waits for the next edit
    }
    const accepted = {
      type: 'Accepted',
      status: 'True',
      reason: 'Valid',
      message: 'the spec is valid',
    } as const;

    // 3. The cluster must exist, be valid and have its worker running.
    if (clusterValidation === undefined || clusterKey === undefined) {
      unpace(key);
      book.setTargetConditions(key, [
        accepted,
        {
          type: 'Ready',
          status: 'False',
          reason: 'ClusterNotFound',
          message: `PacingCluster ${namespace}/${clusterName ?? '?'} not found`,
        },
      ]);
      return {}; // the cluster's reconciler enqueues its targets when it appears
    }
    const clusterReady = book.conditionOf('PacingCluster', clusterKey, 'Ready');
    if (!clusterValidation.isValid || clusterReady?.status === 'False') {
      unpace(key);
      book.setTargetConditions(key, [
        accepted,
        {
          type: 'Ready',
          status: 'False',
          reason: 'ClusterNotReady',
          message: `PacingCluster ${clusterKey} is not ready: ${
            clusterValidation.isValid ? (clusterReady?.message ?? '') : clusterValidation.message
          }`,
        },
      ]);
      return {};
    }

    // 4. One target per virtual queue and media of a cluster: the platform keeps one allowance for each, so a second
    //    target would overwrite the first's. The oldest paces it; the others wait and say which target holds it.
    const { spec } = validation.target;
    const id = targetIdOf(spec.virtualQueue.name, spec.virtualQueue.media);
    const { holder, affected } = claims.claim(key, queueOf(clusterKey, id), raw.createdAtMs);
    requeueAll(affected);
    if (holder !== key) {
      registry.removeTarget(key);
      book.setTargetConditions(key, [
        accepted,
        {
          type: 'Ready',
          status: 'False',
          reason: 'VirtualQueueTaken',
          message:
            `PacingTarget ${holder} already paces virtual queue "${spec.virtualQueue.name}" (${spec.virtualQueue.media}) ` +
            `in PacingCluster ${clusterKey}; put this target's agent groups into it, or name another queue`,
        },
      ]);
      return {}; // reconciled again when the holder lets the queue go
    }

    // 5. Join the cluster's worker with the effective configuration.
    const goal =
      spec.optimizationGoal ??
      clusterValidation.cluster.spec.optimizationGoal ??
      defaultOptimizationGoalPercent;
    const config: TargetConfig = {
      key,
      id,
      virtualQueue: spec.virtualQueue.name,
      media: spec.virtualQueue.media,
      optimizationGoalPercent: goal,
      groups: validation.agentGroups.map((group) =>
        group.kind === 'agents'
          ? { name: group.name, agents: group.agents }
          : { name: group.name, skillExpression: group.skillExpression },
      ),
      maxInvitesPerInterval: spec.maxInvitesPerInterval,
      isPaused: spec.paused,
    };
    registry.setTarget(clusterKey, config);

    // 6. Status: accepted and part of its cluster's cycles; Pacing follows from the cycles themselves.
    book.setTargetConditions(
      key,
      [
        accepted,
        {
          type: 'Ready',
          status: 'True',
          reason: 'ClusterReady',
          message: `paced by PacingCluster ${clusterKey}`,
        },
        ...(spec.paused
          ? [{ type: 'Pacing', status: 'False', reason: 'Paused', message: 'the target is paused' } as const]
          : []),
      ],
      { effectiveOptimizationGoal: goal },
    );
    return {};
  };
}

function validateCluster(cache: ClusterValidationCache, object: unknown) {
  return object === undefined ? undefined : cache.validate(object);
}

/** The claim key of a target id in a cluster. */
function queueOf(clusterKey: string, id: string): string {
  return `${clusterKey}|${id}`;
}

/** The fields of a cached PacingTarget that name the virtual queue it claims, unvalidated. */
interface ClaimFields {
  readonly metadata?: {
    readonly name?: unknown;
    readonly namespace?: unknown;
    readonly creationTimestamp?: unknown;
  };
  readonly spec?: {
    readonly clusterRef?: { readonly name?: unknown };
    readonly virtualQueue?: { readonly name?: unknown; readonly media?: unknown };
  };
}

/**
 * The virtual queue a cached target's spec names, read without validating the rest (nor parsing the conditions:
 * every cached target is read so at the first reconcile); undefined when unreadable.
 */
function claimOf(object: unknown): { key: string; queue: string; createdAtMs: number } | undefined {
  const fields = (typeof object === 'object' && object !== null ? object : {}) as ClaimFields;
  const { name, namespace = 'default' } = fields.metadata ?? {};
  const cluster = fields.spec?.clusterRef?.name;
  const { name: queue, media } = fields.spec?.virtualQueue ?? {};
  if (
    typeof name !== 'string' ||
    typeof namespace !== 'string' ||
    typeof cluster !== 'string' ||
    typeof queue !== 'string' ||
    typeof media !== 'string'
  ) {
    return undefined;
  }
  return {
    key: `${namespace}/${name}`,
    queue: queueOf(`${namespace}/${cluster}`, targetIdOf(queue, media)),
    createdAtMs: createdAtMsOf(fields.metadata?.creationTimestamp),
  };
}
