import type { StatsSelection, StatsSnapshot } from '../api/protocol/index.js';

/** The part of the contact center a sharded replica asks for (see StatsSelectionSchema). */
export type EngineStatsSelection = StatsSelection;

/**
 * The statistics snapshot the engine works on: the validated wire snapshot of the reference protocol, and the
 * selection it answers when the source answered one (then it holds only what that selection names).
 */
export type EngineStatsSnapshot = StatsSnapshot & { readonly selectedBy?: StatsSelection | undefined };

/** Port to a statistics source (the HTTP reference-protocol client in production, a fake in unit tests). */
export interface StatsSource {
  /**
   * Fetches the current snapshot; rejects when the source is unreachable or answers garbage. A stale snapshot is
   * returned, not rejected: the engine judges staleness itself so it can tell "stale" from "unreachable". With a
   * selection the source may answer only that part (a source that cannot answers everything); a source that
   * did says so in `selectedBy`, and the engine then need not cut the snapshot down itself.
   */
  fetch(signal: AbortSignal, selection?: StatsSelection): Promise<EngineStatsSnapshot>;
}
