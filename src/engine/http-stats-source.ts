import { StatsStaleError, type StatsClient } from '../stats/index.js';
import type { EngineStatsSelection, EngineStatsSnapshot, StatsSource } from './stats-source.js';

/**
 * The {@link StatsSource} of production: the reference-protocol HTTP client. The client refuses a stale snapshot
 * with an error that carries it; it is handed on, so the engine reports it as stale, not as unreachable.
 */
export class HttpStatsSource implements StatsSource {
  readonly #client: StatsClient;

  constructor(client: StatsClient) {
    this.#client = client;
  }

  /** Fetches one snapshot (or the selected part of it) through the client. */
  async fetch(signal: AbortSignal, selection?: EngineStatsSelection): Promise<EngineStatsSnapshot> {
    try {
      return (await this.#client.fetchSnapshot(signal, selection)).snapshot;
    } catch (error) {
      if (error instanceof StatsStaleError) return error.snapshot;
      throw error;
    }
  }
}
