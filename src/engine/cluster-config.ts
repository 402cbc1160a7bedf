/** Configuration of one pacing worker, resolved from the PacingCluster spec by the reconciler. */
export interface ClusterConfig {
  /** `namespace/name` of the PacingCluster. */
  readonly key: string;
  /** Id of the cluster on the engagement platform. */
  readonly clusterId: string;
  /** Cycle length in milliseconds; cycles start on multiples of it (wall clock), so they never drift. */
  readonly refreshPeriodMs: number;
  /** A snapshot older than this (by its `snapshotTime`) is stale: every target gets 0 invitations. */
  readonly statsStaleAfterMs: number;
  /** Policy name (`adaptive`, `progressive`, …) handed to the decider. */
  readonly policy: string;
  /** Longest a single cycle may run before it is aborted, in milliseconds. */
  readonly cycleTimeoutMs: number;
  /** Learned state is persisted at most this often, in milliseconds. */
  readonly stateSaveIntervalMs: number;
}

/** Checks the invariants a worker relies on; returns a message naming the field at fault, or undefined. */
export function findClusterConfigProblem(config: ClusterConfig): string | undefined {
  if (!(config.refreshPeriodMs >= 50))
    return `refreshPeriodMs must be at least 50, got ${config.refreshPeriodMs}`;
  if (!(config.statsStaleAfterMs > 0))
    return `statsStaleAfterMs must be positive, got ${config.statsStaleAfterMs}`;
  if (!(config.cycleTimeoutMs > 0)) return `cycleTimeoutMs must be positive, got ${config.cycleTimeoutMs}`;
  if (!(config.stateSaveIntervalMs >= 0))
    return `stateSaveIntervalMs must not be negative, got ${config.stateSaveIntervalMs}`;
  if (config.clusterId.length === 0) return 'clusterId must not be empty';
  return undefined;
}
