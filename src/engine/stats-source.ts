/**
 * The statistics snapshot as the engine needs it: the wire shape of CONTRACTS.md, structurally. The engine reads
 * only `snapshotTime` itself; everything else goes to the {@link PacingDecider}.
 */
export interface EngineStatsSnapshot {
  /** ISO-8601 time at which the data was true; staleness is measured from here. */
  readonly snapshotTime: string;
  /** Agents with their groups, skills and per-media state. */
  readonly agents: readonly unknown[];
  /** Virtual queues with their live and cumulative counters. */
  readonly virtualQueues: readonly unknown[];
}

/** Port to a statistics source (the HTTP reference-protocol client in production, a fake in unit tests). */
export interface StatsSource {
  /** Fetches the current snapshot; rejects when the source is unreachable or answers garbage. */
  fetch(signal: AbortSignal): Promise<EngineStatsSnapshot>;
}
