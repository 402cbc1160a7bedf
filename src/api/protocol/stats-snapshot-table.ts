import { z } from 'zod';
import {
  everyOf,
  fastArray,
  fastChecked,
  hasProtoKey,
  isArrayOf,
  isCount,
  isNonEmptyString,
  isPlainObject,
  refuseAsSchemaDoes,
} from './fast-checked-schema.js';
import {
  AgentMediaStateNameSchema,
  isSkillLevels,
  StatsSnapshotSchema,
  type AgentMediaState,
  type SnapshotAgent,
  type StatsSnapshot,
} from './stats-snapshot.js';
import type { AgentDecodeMemory } from './agent-decode-memory.js';
import { QueueTableSchema, decodeQueueTable, encodeQueueTable } from './stats-snapshot-queue-table.js';
import { RosterTagSchema } from './roster-tag.js';
import { sameStringList } from './same-string-list.js';
import {
  agentMediaColumns,
  refuseIndexOutOfRange,
  refuseRowCountMismatches,
  type TableColumn,
} from './table-column-checks.js';

/**
 * The media type of the table form of a snapshot. A client that lists it in `Accept` may get it; a source that
 * does not know it answers `application/json` (the object form), so both sides can upgrade independently.
 */
export const STATS_SNAPSHOT_TABLE_MEDIA_TYPE = 'application/vnd.agentpacing.snapshot-table+json';

/**
 * Version 2 of the table form: the agents as in {@link STATS_SNAPSHOT_TABLE_MEDIA_TYPE} and the virtual queues as
 * columns too (`queueTable`). A new media type rather than a new field, so that a source answers it only to
 * clients that list it, and an operator that knows only the first version never receives it.
 */
export const STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE = 'application/vnd.agentpacing.snapshot-table.v2+json';

/** Media states by their code in {@link AgentMediaColumnsSchema} `state`: 0 ready, 1 busy, 2 not-ready. */
const STATE_NAMES = AgentMediaStateNameSchema.options;
/** The code of an agent that has no such media. */
const NO_MEDIA = -1;

/** True for a media state code or {@link NO_MEDIA}. */
function isStateCode(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= NO_MEDIA && (value as number) < STATE_NAMES.length;
}

/** One media's columns: row i is the agent `ids[i]`. */
export const AgentMediaColumnsSchema = z.object({
  state: fastArray(
    z
      .int()
      .min(NO_MEDIA)
      .max(STATE_NAMES.length - 1),
    isStateCode,
  ).describe('per agent: 0 ready, 1 busy, 2 not-ready, or -1 when the agent has no such media'),
  capacity: fastArray(z.int().min(0), isCount).describe('per agent: maximum simultaneous interactions'),
  load: fastArray(z.int().min(0), isCount).describe('per agent: interactions handled now'),
});

const skillSetSchema = z.record(z.string(), z.number());
const groupSetSchema = z.array(z.string().min(1));

/** The columns of an agent table that say who the agents are: their ids, group lists and skill records. */
const agentRosterShape = {
  ids: fastArray(z.string().min(1), isNonEmptyString).describe('agent identifiers, one row per agent'),
  groupSets: fastArray(groupSetSchema, everyOf(isNonEmptyString)).describe('distinct group-name lists'),
  groupSet: fastArray(z.int().min(0), isCount).describe('per agent: index into groupSets'),
  skillSets: fastArray(skillSetSchema, isSkillLevels).describe('distinct skill-level records'),
  skillSet: fastArray(z.int().min(0), isCount).describe('per agent: index into skillSets'),
};

/** The names of the roster columns ({@link agentRosterShape}), which version 2 may leave out as a whole. */
export const AGENT_ROSTER_COLUMNS = Object.keys(
  agentRosterShape,
) as readonly (keyof typeof agentRosterShape)[];

/** An agent table's media columns: what changes from one snapshot to the next. */
const agentMediaSchema = fastChecked(
  z.record(z.string().min(1), AgentMediaColumnsSchema),
  isMediaColumns,
).describe('media name to its columns');

/**
 * The agents of a snapshot as columns. Agents of one team share their group names and skill levels, so those are
 * listed once (`groupSets`, `skillSets`) and each agent names its entry by index.
 */
export const AgentTableSchema = z
  .object({ ...agentRosterShape, media: agentMediaSchema })
  .superRefine(refuseInconsistentAgentTable);

/** The rules of an agent table that its field schemas cannot state: row counts, indexes, `__proto__` keys. */
function refuseInconsistentAgentTable(table: AgentTable, ctx: z.RefinementCtx): void {
  // First, whatever the shapes: zod's record check skips a "__proto__" key, value unchecked, and the fast checks
  // pass the original objects through, so such a key would reach the decoder.
  if (hasProtoKey(table.media)) refuseProto(ctx, ['media', '__proto__'], table.media);
  if (Array.isArray(table.skillSets)) {
    table.skillSets.forEach((skills, index) => {
      if (hasProtoKey(skills)) refuseProto(ctx, ['skillSets', index, '__proto__'], skills);
    });
  }
  // zod runs this refinement even when a field failed its own check, so the shapes are not yet known here.
  if (!isWellShaped(table)) return;
  const columns: TableColumn[] = [
    [table.groupSet, ['groupSet']],
    [table.skillSet, ['skillSet']],
    ...agentMediaColumns(table.media, ['media']),
  ];
  refuseRowCountMismatches(ctx, table.ids.length, 'ids', columns);
  refuseIndexOutOfRange(ctx, table.groupSet, table.groupSets.length, 'groupSet', 'groupSets');
  refuseIndexOutOfRange(ctx, table.skillSet, table.skillSets.length, 'skillSet', 'skillSets');
}

/** Version 2's agent table with its roster columns: {@link AgentTableSchema} plus the roster's tag, if any. */
const TaggedAgentTableSchema = z
  .object({ ...agentRosterShape, media: agentMediaSchema, rosterTag: RosterTagSchema.optional() })
  .superRefine(refuseInconsistentAgentTable);

/**
 * Version 2's agent table without its roster columns: the media columns of the roster the client named in its
 * request (ROSTER_TAG_HEADER) and the source found unchanged. Their row count is the held roster's, which the
 * client checks (see resolveAgentRoster).
 */
const RosterReferenceTableSchema = z
  .object({ rosterTag: RosterTagSchema, media: agentMediaSchema })
  .superRefine((table, ctx) => {
    if (hasProtoKey(table.media)) refuseProto(ctx, ['media', '__proto__'], table.media);
  });

/**
 * The agents of a version 2 table: either every roster column (ids, groupSets, groupSet, skillSets, skillSet) with
 * the media columns, optionally tagged, or none of them with the tag of the roster they belong to. Which of the two
 * is decided by whether any roster column is present, so that the issues name the fields of the form that was
 * meant (a union would only say that neither matched). The value passes through unchanged.
 */
export const AgentTableV2Schema = z.custom<AgentTableV2>().superRefine((value, ctx) => {
  const hasRoster = isPlainObject(value) && AGENT_ROSTER_COLUMNS.some((name) => Object.hasOwn(value, name));
  const schema = hasRoster || !isPlainObject(value) ? TaggedAgentTableSchema : RosterReferenceTableSchema;
  refuseAsSchemaDoes(ctx, schema, value);
});

/** True when every column is an array and every list an array, so that lengths and indexes can be compared. */
function isWellShaped(table: AgentTable): boolean {
  const lists: unknown[] = [table.ids, table.groupSets, table.groupSet, table.skillSets, table.skillSet];
  if (!isPlainObject(table.media)) return false;
  for (const name in table.media) {
    const media: unknown = table.media[name];
    if (!isPlainObject(media)) return false;
    lists.push(media.state, media.capacity, media.load);
  }
  return lists.every(Array.isArray);
}

/** The fast equivalent of the `media` record; it passes the original through, so `__proto__` is seen and refused. */
function isMediaColumns(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  for (const name in value) {
    const columns = value[name];
    if (name.length === 0 || !isPlainObject(columns)) return false;
    if (!isArrayOf(columns.state, isStateCode) || !isArrayOf(columns.capacity, isCount)) return false;
    if (!isArrayOf(columns.load, isCount)) return false;
  }
  return true;
}

function refuseProto(ctx: z.RefinementCtx, path: (string | number)[], input: unknown): void {
  ctx.addIssue({ code: 'custom', message: 'the key "__proto__" is not allowed', path, input });
}

/**
 * The table form of a statistics snapshot (media type {@link STATS_SNAPSHOT_TABLE_MEDIA_TYPE}): the same content as
 * {@link StatsSnapshotSchema} in about 40 % of the bytes, and about a fifth of the parsing work, because 50,000
 * agents become a few arrays instead of 250,000 small objects.
 */
export const StatsSnapshotTableSchema = z.object({
  snapshotTime: StatsSnapshotSchema.shape.snapshotTime,
  agentTable: AgentTableSchema,
  virtualQueues: StatsSnapshotSchema.shape.virtualQueues,
});

/**
 * The table form, version 2 (media type {@link STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE}): the agents as in
 * {@link StatsSnapshotTableSchema}, the virtual queues as columns ({@link QueueTableSchema}). At 50,000 agents and
 * 10,000 queues it is about 60 % of the bytes of the first version.
 */
export const StatsSnapshotTableV2Schema = z.object({
  snapshotTime: StatsSnapshotSchema.shape.snapshotTime,
  agentTable: AgentTableV2Schema,
  queueTable: QueueTableSchema,
});

/** A validated snapshot in table form, version 2 (see {@link StatsSnapshotTableV2Schema}). */
export type StatsSnapshotTableV2 = z.infer<typeof StatsSnapshotTableV2Schema>;

/** A validated snapshot in table form (see {@link StatsSnapshotTableSchema}). */
export type StatsSnapshotTable = z.infer<typeof StatsSnapshotTableSchema>;
/** The agent columns of a {@link StatsSnapshotTable}. */
export type AgentTable = z.infer<typeof AgentTableSchema>;
/** The columns of an agent table that depend on who the agents are (ids, groups, skills), not on their media states. */
export type AgentRoster = Pick<AgentTable, (typeof AGENT_ROSTER_COLUMNS)[number]>;
/** The agent columns of a {@link StatsSnapshotTableV2}: a whole tagged table, or the media columns of a held roster. */
export type AgentTableV2 =
  | (AgentTable & { readonly rosterTag?: string | undefined })
  | { readonly rosterTag: string; readonly media: AgentTable['media'] };

/** A read-only view of `T` all the way down: what sources hand to {@link encodeSnapshotTable}. */
export type DeepReadonly<T> = T extends readonly (infer I)[]
  ? readonly DeepReadonly<I>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Turns a snapshot into its table form (what a statistics source sends). */
export function encodeSnapshotTable(snapshot: DeepReadonly<StatsSnapshot>): DeepReadonly<StatsSnapshotTable> {
  return tableOf(snapshot, encodeAgentRoster(snapshot.agents));
}

/**
 * Encodes a source's successive snapshots into table form, as {@link encodeSnapshotTable} does, and reuses the id,
 * group and skill columns of the previous snapshot while its agents are the same ids with the same group lists and
 * skill levels in the same order (a source's agents change team far less often than state). A statistics source
 * answering every few seconds then builds only the media columns and the queues anew.
 */
export class SnapshotTableEncoder {
  #agents: readonly DeepReadonly<SnapshotAgent>[] = [];
  #columns: DeepReadonly<AgentRoster> | undefined;
  #rosterVersion = 0;

  /** How many times the roster columns were built: it changes exactly when an answer's roster does. */
  get rosterVersion(): number {
    return this.#rosterVersion;
  }

  /** The table form of `snapshot`, equal to {@link encodeSnapshotTable}'s. */
  encode(snapshot: DeepReadonly<StatsSnapshot>): DeepReadonly<StatsSnapshotTable> {
    const agents = snapshot.agents;
    if (this.#columns === undefined || !sameAgentRoster(this.#agents, agents)) {
      this.#columns = encodeAgentRoster(agents);
      this.#rosterVersion += 1;
    }
    this.#agents = agents;
    return tableOf(snapshot, this.#columns);
  }

  /** The table form, version 2, of `snapshot`: {@link encode}'s agents and the queues as columns. */
  encodeV2(snapshot: DeepReadonly<StatsSnapshot>): DeepReadonly<StatsSnapshotTableV2> {
    const { snapshotTime, agentTable } = this.encode(snapshot);
    return { snapshotTime, agentTable, queueTable: encodeQueueTable(snapshot.virtualQueues) };
  }
}

/**
 * True when `now` lists the ids, group lists and skill records of `before` in the same order: equal content, found
 * at once when a source hands over the same objects again (the simulation does), compared item by item otherwise.
 */
function sameAgentRoster(
  before: readonly DeepReadonly<SnapshotAgent>[],
  now: readonly DeepReadonly<SnapshotAgent>[],
): boolean {
  if (before.length !== now.length) return false;
  for (let row = 0; row < now.length; row++) {
    const a = before[row]!;
    const b = now[row]!;
    if (a === b) continue;
    if (a.id !== b.id || !sameStringList(a.groups, b.groups) || !sameSkills(a.skills, b.skills)) return false;
  }
  return true;
}

/** True for two skill records of the same skills at the same levels (in any order). */
function sameSkills(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  if (a === b) return true;
  let count = 0;
  for (const name in a) {
    if (!Object.hasOwn(b, name) || !Object.is(a[name], b[name])) return false;
    count += 1;
  }
  for (const name in b) if (Object.hasOwn(b, name)) count -= 1;
  return count === 0;
}

/** The id, group and skill columns of `agents`, each distinct group list and skill record listed once. */
function encodeAgentRoster(agents: readonly DeepReadonly<SnapshotAgent>[]): DeepReadonly<AgentRoster> {
  const rows = agents.length;
  const ids = new Array<string>(rows);
  const groups = new Interner<readonly string[]>(groupsKey);
  const skills = new Interner<Readonly<Record<string, number>>>(recordKey);
  const groupSet = new Array<number>(rows);
  const skillSet = new Array<number>(rows);
  for (let row = 0; row < rows; row++) {
    const agent = agents[row]!;
    ids[row] = agent.id;
    groupSet[row] = groups.indexOf(agent.groups);
    skillSet[row] = skills.indexOf(agent.skills);
  }
  return { ids, groupSets: groups.values, groupSet, skillSets: skills.values, skillSet };
}

/** The table form of `snapshot` with its agent columns already encoded (`columns`); the media columns built here. */
function tableOf(
  snapshot: DeepReadonly<StatsSnapshot>,
  columns: DeepReadonly<AgentRoster>,
): DeepReadonly<StatsSnapshotTable> {
  const agents = snapshot.agents;
  const rows = agents.length;
  const media: Record<string, { state: number[]; capacity: number[]; load: number[] }> = {};
  for (let row = 0; row < rows; row++) {
    const agent = agents[row]!;
    for (const name in agent.media) {
      const state = agent.media[name]!;
      const mediaColumns = (media[name] ??= {
        state: new Array<number>(rows).fill(NO_MEDIA),
        capacity: new Array<number>(rows).fill(0),
        load: new Array<number>(rows).fill(0),
      });
      mediaColumns.state[row] = STATE_NAMES.indexOf(state.state);
      mediaColumns.capacity[row] = state.capacity;
      mediaColumns.load[row] = state.load;
    }
  }
  return {
    snapshotTime: snapshot.snapshotTime,
    agentTable: { ...columns, media },
    virtualQueues: snapshot.virtualQueues,
  };
}

/**
 * Turns a validated table back into a snapshot. Agents with the same groups, skills or media states share one
 * frozen object for each (a team of agents in the same state costs one agent object each, not five).
 */
export function decodeSnapshotTable(table: StatsSnapshotTable): StatsSnapshot {
  return {
    snapshotTime: table.snapshotTime,
    agents: decodeAgentTable(table.agentTable, table.agentTable.media),
    virtualQueues: table.virtualQueues,
  };
}

/**
 * Turns a validated table, version 2, back into a snapshot (agents as {@link decodeSnapshotTable} does). `roster`:
 * the roster columns the agent table stands for, which a table that left them out does not hold itself (see
 * resolveAgentRoster); by default the table's own. `memory`: what the last decode of the same source left (see
 * AgentDecodeMemory); the result is the same with or without it, but may share agent objects with the last one.
 */
export function decodeSnapshotTableV2(
  table: StatsSnapshotTableV2,
  roster: AgentRoster = ownRosterOf(table.agentTable),
  memory?: AgentDecodeMemory,
): StatsSnapshot {
  return {
    snapshotTime: table.snapshotTime,
    agents: decodeAgentTable(roster, table.agentTable.media, memory),
    virtualQueues: decodeQueueTable(table.queueTable),
  };
}

/** The roster columns a version 2 agent table holds itself; throws for one that left them out. */
function ownRosterOf(table: AgentTableV2): AgentRoster {
  if (!('ids' in table)) {
    throw new TypeError(`the agent table leaves out roster ${table.rosterTag}: pass the roster it names`);
  }
  return table;
}

/**
 * The agents of a validated agent table, sharing frozen group, skill and media records; with `memory`, also the
 * last decode's records and, for the same roster, its agents whose media record is unchanged.
 */
function decodeAgentTable(
  roster: AgentRoster,
  media: AgentTable['media'],
  memory?: AgentDecodeMemory,
): SnapshotAgent[] {
  const { ids, groupSets, groupSet, skillSets, skillSet } = roster;
  // Frozen in place: shared by many agents, so a write through one agent must fail rather than reach all.
  for (const list of groupSets) Object.freeze(list);
  for (const record of skillSets) Object.freeze(record);
  const [groups, skills] = [groupSets, skillSets];
  const mediaNames = Object.keys(media);
  const columns = mediaNames.map((name) => media[name]!);
  const records =
    memory?.recordsFor(mediaNames, ids.length) ?? new Map<string | number, SnapshotAgent['media']>();
  const previous = memory?.agentsOf(roster);
  const agents = new Array<SnapshotAgent>(ids.length);
  for (let row = 0; row < ids.length; row++) {
    const record = mediaRecordOf(row, mediaNames, columns, records);
    // The same roster row has the same id, groups and skills: only the media record can differ.
    const before = previous?.[row];
    agents[row] =
      before !== undefined && before.media === record
        ? before
        : { id: ids[row]!, groups: groups[groupSet[row]!]!, skills: skills[skillSet[row]!]!, media: record };
  }
  memory?.remember(roster, agents);
  return agents;
}

/** The shared, frozen media record of one row: found by a number for one media (the usual case), else a string. */
function mediaRecordOf(
  row: number,
  names: readonly string[],
  columns: readonly AgentTable['media'][string][],
  records: Map<string | number, SnapshotAgent['media']>,
): SnapshotAgent['media'] {
  let key: string | number = '';
  if (columns.length === 1) {
    const { state, capacity, load } = columns[0]!;
    const s = state[row]!;
    const c = capacity[row]!;
    const l = load[row]!;
    // Exact: below 1,024 slots a small integer under 2^22 (no boxed number per row), else 2^22 plus an exact
    // number while below 2^20 (each shift is a multiplication, not a bit operation), so the ranges never meet.
    key =
      c < 1024 && l < 1024
        ? ((s + 1) * 1024 + c) * 1024 + l
        : c < 1_048_576 && l < 1_048_576
          ? 4_194_304 + ((s + 1) * 1_048_576 + c) * 1_048_576 + l
          : `${s}:${c}:${l}`;
  } else {
    for (let m = 0; m < columns.length; m++) {
      const { state, capacity, load } = columns[m]!;
      if (state[row] !== NO_MEDIA) key += `${m}:${state[row]}:${capacity[row]}:${load[row]};`;
    }
  }
  let record = records.get(key);
  if (record === undefined) {
    const built: Record<string, AgentMediaState> = {};
    for (let m = 0; m < columns.length; m++) {
      const { state, capacity, load } = columns[m]!;
      const code = state[row]!;
      if (code === NO_MEDIA) continue;
      built[names[m]!] = Object.freeze({
        state: STATE_NAMES[code]!,
        capacity: capacity[row]!,
        load: load[row]!,
      });
    }
    record = Object.freeze(built);
    records.set(key, record);
  }
  return record;
}

/** An exact key for a list of group names (names may hold any character, so no separator is safe). */
function groupsKey(list: readonly string[]): string {
  return JSON.stringify(list);
}

/** A key for a flat record of numbers whose insertion order does not matter ('' for none, the usual case). */
function recordKey(record: Readonly<Record<string, number>>): string {
  let names: string[] | undefined;
  for (const name in record) (names ??= []).push(name);
  if (names === undefined) return '';
  let key = '';
  for (const name of names.sort()) key += `${name}\u0000${record[name]}\u0001`;
  return key;
}

/** Lists distinct values once, in order of first use, found by a key. */
class Interner<T extends object> {
  readonly values: T[] = [];
  readonly #byKey = new Map<string, number>();
  /** Sources usually hand the same list or record object to every agent of a team: found without a key. */
  readonly #byObject = new Map<T, number>();
  readonly #keyOf: (value: T) => string;

  constructor(keyOf: (value: T) => string) {
    this.#keyOf = keyOf;
  }

  /** The index of `value`'s entry, added when new. */
  indexOf(value: T): number {
    let index = this.#byObject.get(value);
    if (index !== undefined) return index;
    const key = this.#keyOf(value);
    index = this.#byKey.get(key);
    if (index === undefined) {
      index = this.values.length;
      this.values.push(value);
      this.#byKey.set(key, index);
    }
    this.#byObject.set(value, index);
    return index;
  }
}

/** The forms a statistics source can answer a snapshot in. */
export type SnapshotForm = 'table-v2' | 'table' | 'object';

/** The media type of each snapshot form: what a source names in `Content-Type`. */
export const SNAPSHOT_FORM_MEDIA_TYPES: Readonly<Record<SnapshotForm, string>> = {
  'table-v2': STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE,
  table: STATS_SNAPSHOT_TABLE_MEDIA_TYPE,
  object: 'application/json',
};

/** The snapshot form an answer's `Content-Type` names; anything but a table form is read as the object form. */
export function snapshotFormOfContentType(contentType: unknown): SnapshotForm {
  if (typeof contentType !== 'string') return 'object';
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE) return 'table-v2';
  return type === STATS_SNAPSHOT_TABLE_MEDIA_TYPE ? 'table' : 'object';
}

/**
 * The form to answer an `Accept` header with: the newest table form it lists with a q-value above 0, else the
 * object form. Sources answer a table form only when asked for it.
 */
export function snapshotFormFor(accept: string | undefined): SnapshotForm {
  if (acceptsMediaType(accept, STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE)) return 'table-v2';
  if (acceptsMediaType(accept, STATS_SNAPSHOT_TABLE_MEDIA_TYPE)) return 'table';
  return 'object';
}

/** True when an `Accept` header lists `mediaType` exactly, with a q-value above 0. */
function acceptsMediaType(accept: string | undefined, mediaType: string): boolean {
  if (accept === undefined) return false;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== mediaType) continue;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}
