import type { StatsSnapshot } from '../api/protocol/index.js';

/** The statistics snapshot the engine works on: the validated wire snapshot of the reference protocol. */
export type EngineStatsSnapshot = StatsSnapshot;

/** Port to a statistics source (the HTTP reference-protocol client in production, a fake in unit tests). */
export interface StatsSource {
  /**
   * Fetches the current snapshot; rejects when the source is unreachable or answers garbage. A stale snapshot is
   * returned, not rejected: the engine judges staleness itself so it can tell "stale" from "unreachable".
   */
  fetch(signal: AbortSignal): Promise<EngineStatsSnapshot>;
}
