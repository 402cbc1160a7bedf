import { StatsStaleError, type StatsAnswerForm, type StatsClient } from '../stats/index.js';
import type { EngineStatsSelection, EngineStatsSnapshot, StatsSource } from './stats-source.js';

/** What one statistics answer cost on the wire and which form it came in. */
export interface StatsReadMetrics {
  /** Compressed body bytes. */
  readonly wireBytes: number;
  /** The answer's form (see StatsAnswerForm). */
  readonly form: StatsAnswerForm;
}

/**
 * The {@link StatsSource} of production: the reference-protocol HTTP client. The client refuses a stale snapshot
 * with an error that carries it; it is handed on, so the engine reports it as stale, not as unreachable.
 */
export class HttpStatsSource implements StatsSource {
  readonly #client: StatsClient;
  readonly #onRead: ((metrics: StatsReadMetrics) => void) | undefined;

  /** `onRead` is told the size and form of every fresh answer (for metrics; a stale one is handed on without). */
  constructor(client: StatsClient, onRead?: (metrics: StatsReadMetrics) => void) {
    this.#client = client;
    this.#onRead = onRead;
  }

  /** Fetches one snapshot (or the selected part of it) through the client. */
  async fetch(signal: AbortSignal, selection?: EngineStatsSelection): Promise<EngineStatsSnapshot> {
    try {
      const { snapshot, wireBytes, form, isSelected } = await this.#client.fetchSnapshot(signal, selection);
      this.#onRead?.({ wireBytes, form });
      return isSelected && selection !== undefined ? { ...snapshot, selectedBy: selection } : snapshot;
    } catch (error) {
      if (error instanceof StatsStaleError) return error.snapshot;
      throw error;
    }
  }
}
