import { StatsStaleError, type StatsClient } from '../stats/index.js';
import type { EngineStatsSnapshot, StatsSource } from './stats-source.js';

/**
 * The {@link StatsSource} of production: the reference-protocol HTTP client. The client refuses a stale snapshot
 * with an error that carries it; it is handed on, so the engine reports it as stale, not as unreachable.
 */
export class HttpStatsSource implements StatsSource {
  readonly #client: StatsClient;

  constructor(client: StatsClient) {
    this.#client = client;
  }

  /** Fetches one snapshot through the client. */
  async fetch(signal: AbortSignal): Promise<EngineStatsSnapshot> {
    try {
      return (await this.#client.fetchSnapshot(signal)).snapshot;
    } catch (error) {
      if (error instanceof StatsStaleError) return error.snapshot;
      throw error;
    }
  }
}
