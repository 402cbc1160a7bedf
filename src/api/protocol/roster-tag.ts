import { z } from 'zod';
import { agentMediaColumns, rowCountMismatches } from './table-column-checks.js';
// Types only (erased at run time), so the two modules do not load each other.
import type {
  AgentRoster,
  AgentTableV2,
  DeepReadonly,
  StatsSnapshotTableV2,
} from './stats-snapshot-table.js';

/**
 * The request header in which a client names the roster it holds (the `rosterTag` of an earlier version 2 answer).
 * A source that finds the roster of its answer unchanged may then leave the roster columns out. Lower case, as
 * Node.js and undici name headers.
 */
export const ROSTER_TAG_HEADER = 'agentpacing-roster-tag';

/** Visible ASCII without spaces, so that a client can send it back in a header as it came. */
export const RosterTagSchema = z
  .string()
  .regex(/^[!-~]{1,128}$/, 'must be 1 to 128 visible ASCII characters (no spaces)')
  .describe('opaque tag of the roster columns (ids, groupSets, groupSet, skillSets, skillSet)');

/** A roster a client holds, by the tag its source gave it. */
export interface TaggedRoster {
  /** The source's tag of this roster. */
  readonly tag: string;
  /** The roster columns. */
  readonly columns: AgentRoster;
}

/** What an answer's agent table stands for: its roster (and the tag to hold it by), or why it cannot be read. */
export type RosterResolution =
  | { readonly roster: AgentRoster; readonly tag: string | undefined; readonly issues?: undefined }
  | { readonly issues: string[]; readonly roster?: undefined };

/**
 * The roster columns of a validated version 2 agent table: its own, or, when it left them out, the `held` roster
 * it names, whose row count its media columns must have. Issues (path: message, paths from the answer's root)
 * when it names a roster the client does not hold or the rows do not match.
 */
export function resolveAgentRoster(table: AgentTableV2, held: TaggedRoster | undefined): RosterResolution {
  if ('ids' in table) {
    // The roster columns only: a client holds them across answers, and this answer's media columns are not its.
    const { ids, groupSets, groupSet, skillSets, skillSet } = table;
    return { roster: { ids, groupSets, groupSet, skillSets, skillSet }, tag: table.rosterTag };
  }
  if (held === undefined || held.tag !== table.rosterTag) {
    const holding = held === undefined ? 'no roster' : `roster ${held.tag}`;
    return {
      issues: [
        `agentTable.rosterTag: the roster columns are left out for roster ${table.rosterTag}, but this client ` +
          `holds ${holding} (a source may leave them out only for the roster the request names)`,
      ],
    };
  }
  const columns = agentMediaColumns(table.media, ['agentTable', 'media']);
  const issues = rowCountMismatches(held.columns.ids.length, `roster ${held.tag}`, columns).map(
    ({ path, message }) => `${path.join('.')}: ${message}`,
  );
  return issues.length > 0 ? { issues } : { roster: held.columns, tag: held.tag };
}

/**
 * A source's version 2 answer with its roster tagged `tag`, and its roster columns left out when the request named
 * that very tag (`requestTag`, the {@link ROSTER_TAG_HEADER} value): the client holds those columns already.
 */
export function withRosterTag(
  table: DeepReadonly<StatsSnapshotTableV2>,
  tag: string,
  requestTag: string | undefined,
): DeepReadonly<StatsSnapshotTableV2> {
  const { snapshotTime, agentTable, queueTable } = table;
  const tagged: DeepReadonly<AgentTableV2> =
    requestTag === tag ? { rosterTag: tag, media: agentTable.media } : { ...agentTable, rosterTag: tag };
  return { snapshotTime, agentTable: tagged, queueTable };
}
