// Public surface of src/controller: Kubernetes client setup, informers, work queue and reconcile loop, Lease
// leader election, status writer and Event recorder. The reconcilers and the operator built on them add their
// exports below this block.
export { createSystemClock, sleepOnTimer, type Clock, type CancelTimer, type SystemClock } from './clock.js';
export {
  ControllerError,
  ControllerConfigError,
  KubeConfigLoadError,
  QueueShutDownError,
  TerminalError,
  type ControllerErrorCode,
} from './errors.js';
export { apiErrorStatus } from './api-error-status.js';
export { objectKey, parseObjectKey, type KeyedObject } from './object-key.js';
export { controllerMetrics, type ControllerMetrics } from './controller-metrics.js';
export {
  SharedDispatcherKubeConfig,
  loadKubeConfig,
  createKubeClients,
  type KubeClients,
  type KubeConfigSource,
} from './kube-client.js';
export { TokenBucket, type TokenBucketOptions } from './token-bucket.js';
export {
  createDefaultRetryRateLimiter,
  type RetryRateLimiter,
  type RetryRateLimiterOptions,
} from './retry-rate-limiter.js';
export { WorkQueue, type WorkQueueOptions } from './work-queue.js';
export type { ReconcileResult, Reconciler } from './reconcile-result.js';
export { ReconcileLoop, type ReconcileLoopOptions } from './reconcile-loop.js';
export {
  RestartingInformer,
  type InformerEvent,
  type InformerEventType,
  type RestartBackoff,
  type RestartingInformerOptions,
  type WatchLike,
} from './restarting-informer.js';
export {
  createCustomObjectInformer,
  createPacingClusterInformer,
  createPacingTargetInformer,
  type CustomObjectInformerOptions,
  type InformerCommonOptions,
  type PacingInformerOptions,
} from './custom-object-informer.js';
export { createSecretInformer, type SecretInformerOptions } from './secret-informer.js';
export { createLeaseClient, type LeaseClient } from './lease-client.js';
export { LeaseMembership, memberLeaseName } from './lease-membership.js';
export { ShardCoordinator, type ShardCoordinatorOptions, type ShardHolder } from './shard-coordinator.js';
export { decideShardShare, type ShardShareDecision, type ShardShareInput } from './shard-share.js';
export { fnv1a32, shardOfTarget } from './target-shard.js';
export {
  LeaseElector,
  DEFAULT_LEASE_TIMINGS,
  leaseHolderIdentity,
  shardLeaseName,
  validateLeaseTimings,
  type LeaseElectorOptions,
} from './lease-elector.js';
export { stableJson } from './stable-json.js';
export { CycleQuiet, type CycleQuietOptions } from './cycle-quiet.js';
export {
  IdleCollector,
  exposedGc,
  idleHeapOption,
  HEADROOM_GC_OPTIONS,
  type IdleCollection,
  type IdleCollectionReason,
  type IdleCollectorOptions,
} from './idle-collector.js';
export {
  HeapHeadroom,
  readHeapReading,
  type HeapHeadroomOptions,
  type HeapOutlook,
  type HeapReading,
} from './heap-headroom.js';
export { readMemoryBreakdown, type MemoryBreakdown } from './memory-breakdown.js';
export { setHeapGrowingPercent } from './heap-growing.js';
export { createStatusPatcher, type StatusObjectRef, type StatusPatcher } from './status-patcher.js';
export {
  StatusWriter,
  type StatusBody,
  type StatusUpdateOptions,
  type StatusWriterOptions,
} from './status-writer.js';
export {
  createPacingStatusSubmitter,
  pacingStatusObjectRef,
  type PacingKindRef,
} from './pacing-status-submitter.js';
export { createEventsClient, type EventsClient } from './events-client.js';
export {
  EventRecorder,
  type EventObjectRef,
  type EventRecord,
  type EventRecorderOptions,
} from './event-recorder.js';
export { createPacingEventEmitter } from './pacing-event-emitter.js';
// Reconcilers, the status book and the operator (engine helper).
export { combineCachedObjects, type CachedObjects } from './cached-objects.js';
export {
  ConfigMapLearnedStateStore,
  learnedStateConfigMapName,
  learnedStateDataKey,
  type ConfigMapLearnedStateStoreOptions,
} from './config-map-learned-state-store.js';
export { lookUpCredentials, secretNamesOf, type CredentialsLookup } from './pacing-cluster-credentials.js';
export {
  createPacingClusterReconciler,
  type PacingClusterReconcilerOptions,
  type WorkerFactory,
} from './pacing-cluster-reconciler.js';
export {
  createPacingTargetReconciler,
  type PacingTargetReconcilerOptions,
} from './pacing-target-reconciler.js';
export {
  PacingStatusBook,
  type ConditionDecision,
  type EventEmitterPort,
  type PacingObjectRef,
  type PacingStatusBookOptions,
  type StatusSubmitter,
} from './pacing-status-book.js';
export { readRawObjectFields, type RawObjectFields } from './raw-object-fields.js';
export {
  Operator,
  type OperatorLeaderElection,
  type OperatorOptions,
  type SharedWorkerParts,
} from './operator.js';
export { AlarmStatusSink } from './alarm-status-sink.js';
