import type { SnapshotAgent } from './stats-snapshot.js';
import type { AgentRoster } from './stats-snapshot-table.js';
import { sameStringList } from './same-string-list.js';

/** An agent's shared, frozen media record. */
type MediaRecord = SnapshotAgent['media'];

/** Distinct media records kept across decodes at most (beyond the rows of the last table). */
const SPARE_RECORDS = 1024;

/**
 * What decoding one source's successive version 2 tables reuses from the last decode: the frozen media records,
 * of which a contact center has few distinct ones, and, while the roster is the very object of the last decode (a
 * roster the client holds), every agent whose media record is unchanged. A statistics client keeps one. At
 * 10,000 targets most of the 50,000 agents are the same from one snapshot to the next, so they are neither
 * allocated again nor copied by the young-generation collector; and the records' shapes outlive the snapshot,
 * where a memory-reducing collection between cycles would clear them and throw away the decoder's optimised code.
 */
export class AgentDecodeMemory {
  #roster: AgentRoster | undefined;
  #agents: readonly SnapshotAgent[] = [];
  #mediaNames: readonly string[] = [];
  #records = new Map<string | number, MediaRecord>();

  /**
   * The media records to find and add this decode's records in: the last decode's while the media names are the
   * same and there are not more of them than the table's rows plus a margin (a record's key means nothing for
   * other media names), else a new, empty one.
   */
  recordsFor(mediaNames: readonly string[], rows: number): Map<string | number, MediaRecord> {
    if (!sameStringList(mediaNames, this.#mediaNames) || this.#records.size > rows + SPARE_RECORDS) {
      this.#mediaNames = mediaNames;
      this.#records = new Map();
    }
    return this.#records;
  }

  /** The last decode's agents when it decoded this very roster, by row; else undefined. */
  agentsOf(roster: AgentRoster): readonly SnapshotAgent[] | undefined {
    return roster === this.#roster ? this.#agents : undefined;
  }

  /** Keeps this decode's roster and agents for the next decode. */
  remember(roster: AgentRoster, agents: readonly SnapshotAgent[]): void {
    this.#roster = roster;
    this.#agents = agents;
  }
}
