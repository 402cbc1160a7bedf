// Public surface of the engine: the pacing worker of one PacingCluster and the ports it is built from.
export type { Clock } from './clock.js';
export type { CycleGate } from './cycle-gate.js';
export { findClusterConfigProblem, type ClusterConfig } from './cluster-config.js';
export {
  pendingInvitationsOf,
  targetOutcomeReasons,
  type CycleOutcome,
  type CycleOutcomeSink,
  type InputHealth,
  type TargetOutcome,
  type TargetOutcomeReason,
} from './cycle-outcome.js';
export {
  currentSlotStartMs,
  cycleIdOf,
  nextSlotStartMs,
  shardPhaseMs,
  skippedSlotCount,
} from './cycle-slots.js';
export type {
  AllowanceAnswer,
  AllowanceEntry,
  AllowanceRequest,
  EngagementExchange,
  EngagementTargetReport,
} from './engagement-exchange.js';
export {
  EngineConfigError,
  EngineError,
  EngineStateError,
  engineErrorCodes,
  type EngineErrorCode,
} from './errors.js';
export { alwaysLeader, type LeaseFence, type ShardFence } from './lease-fence.js';
export {
  persistedPacingStateSchema,
  type LearnedState,
  type LearnedStateStore,
  type PersistedPacingState,
} from './learned-state.js';
export type {
  DecisionInput,
  DecisionOutput,
  PacingDecider,
  TargetDecision,
  TargetFigures,
} from './pacing-decider.js';
export { runPacingCycle, type CycleInput, type CyclePorts, type CycleResult } from './pacing-cycle.js';
export { PacingWorker, type PacingWorkerPorts, type PacingWorkerView } from './pacing-worker.js';
export type { EngineStatsSelection, EngineStatsSnapshot, StatsSource } from './stats-source.js';
export {
  isSameTargetConfig,
  targetIdOf,
  type TargetConfig,
  type TargetGroupConfig,
} from './target-config.js';
export { WorkerRegistry, type DesiredWorker } from './worker-registry.js';
export { HttpEngagementExchange } from './http-engagement-exchange.js';
export { HttpStatsSource, type StatsReadMetrics } from './http-stats-source.js';
export { PacingRoomDecider } from './pacing-room-decider.js';
export { clusterConfigOf, createHttpDesiredWorker, type HttpWorkerDeps } from './http-worker-factory.js';
export type { WorkerCredentials } from './worker-credentials.js';
export { fanOutSinks } from './fan-out-sink.js';
export { MetricsOutcomeSink } from './metrics-outcome-sink.js';
