import fc from 'fast-check';
import {
  StatsSnapshotSchema,
  SnapshotTableEncoder,
  StatsSnapshotTableSchema,
  StatsSnapshotTableV2Schema,
  decodeSnapshotTable,
  decodeSnapshotTableV2,
  encodeSnapshotTable,
  resolveAgentRoster,
  withRosterTag,
  type AgentTable,
  type StatsSnapshot,
  type TaggedRoster,
} from '../../../src/api/protocol/index.js';
import { checkFuzzProperty } from '../../support/fuzz-property.js';
import { EXAMPLE_SNAPSHOT } from '../../support/io/example-snapshot.js';
import { fuzzRuns, fuzzTimeoutMs } from '../../support/fuzz-runs.js';
import { documentNear, hasStandardPrototypes, isPrototypePolluted } from '../../support/json-mutation.js';

// Fuzzing of the statistics snapshot schema, which validates what a statistics source sends every cycle. The
// fast-path/zod agreement on friendly shapes is in test/unit/api/protocol/fast-checked-schemas.test.ts; here the
// oracle is a strict hand-written walker over *own* keys, so a value the schema lets through but its type denies
// (for instance under a "__proto__" key, which zod's record copy drops before checking) is caught.

const family = 'stats-snapshot';
const timeout = fuzzTimeoutMs(fuzzRuns);

const validSnapshot: StatsSnapshot = EXAMPLE_SNAPSHOT;

const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isFinite = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const isText = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why an accepted snapshot breaks its documented type, checking every own key; undefined when it does not. */
function typeViolation(snapshot: unknown): string | undefined {
  if (!isRecord(snapshot)) return 'not an object';
  if (typeof snapshot.snapshotTime !== 'string' || !Number.isFinite(Date.parse(snapshot.snapshotTime))) {
    return `snapshotTime ${JSON.stringify(snapshot.snapshotTime)} is no readable instant`;
  }
  if (!Array.isArray(snapshot.agents) || !Array.isArray(snapshot.virtualQueues)) return 'lists missing';
  for (const agent of snapshot.agents as unknown[]) {
    if (!isRecord(agent) || !isText(agent.id) || !Array.isArray(agent.groups)) return 'agent shape';
    if (!agent.groups.every(isText)) return 'agent group name';
    if (!isRecord(agent.skills) || !isRecord(agent.media)) return 'agent records';
    for (const key of Object.keys(agent.skills)) {
      if (!isFinite(agent.skills[key])) return `skill ${JSON.stringify(key)} is not a finite number`;
    }
    for (const key of Object.keys(agent.media)) {
      const state = agent.media[key];
      if (!isRecord(state) || !['ready', 'busy', 'not-ready'].includes(state.state as string)) {
        return `media ${JSON.stringify(key)} has no valid state`;
      }
      if (!isCount(state.capacity) || !isCount(state.load)) return `media ${JSON.stringify(key)} counts`;
    }
  }
  for (const queue of snapshot.virtualQueues as unknown[]) {
    if (!isRecord(queue) || !isText(queue.name) || !isText(queue.media)) return 'queue shape';
    for (const counter of ['waiting', 'acceptedTotal', 'abandonedTotal', 'answeredTotal'] as const) {
      if (!isCount(queue[counter])) return `queue ${counter} is not a non-negative integer`;
    }
    if (!isFinite(queue.handleSecondsTotal) || (queue.handleSecondsTotal as number) < 0) return 'handle time';
    const ages = queue.waitingAgesSeconds;
    if (ages !== undefined && (!Array.isArray(ages) || !ages.every((a) => isFinite(a) && a >= 0))) {
      return 'waiting ages';
    }
  }
  return undefined;
}

/** Parses JSON text the way the statistics client does, own "__proto__" keys included. */
const json = (text: string): unknown => JSON.parse(text);

// Shrunk counter-examples and hand-picked hostile snapshots, each of which the schema must refuse.
const refusedRows: readonly [string, unknown][] = [
  [
    'a skill level that is a string, under a "__proto__" key',
    json(
      '{"snapshotTime":"2026-11-25T18:00:00Z","agents":[{"id":"a","groups":[],"skills":{"__proto__":"x"},"media":{}}],"virtualQueues":[]}',
    ),
  ],
  [
    'a media state that is garbage, under a "__proto__" key',
    json(
      '{"snapshotTime":"2026-11-25T18:00:00Z","agents":[{"id":"a","groups":[],"skills":{},"media":{"__proto__":{"state":"asleep","capacity":-1}}}],"virtualQueues":[]}',
    ),
  ],
  [
    'a counter written as the string "NaN"',
    { ...validSnapshot, virtualQueues: [{ ...validSnapshot.virtualQueues[0], waiting: 'NaN' }] },
  ],
  [
    'a counter past the safe integers',
    { ...validSnapshot, virtualQueues: [{ ...validSnapshot.virtualQueues[0], acceptedTotal: 2 ** 53 }] },
  ],
  ['a snapshot time without a zone', { ...validSnapshot, snapshotTime: '2026-11-25T18:00:00' }],
];

describe('statistics snapshot schema under fuzzing', () => {
  it.each(refusedRows)('refuses %s', (_name, input) => {
    expect(StatsSnapshotSchema.safeParse(input).success).toBe(false);
  });

  it(
    'never throws, and everything it accepts satisfies the snapshot type on every own key',
    async () => {
      await checkFuzzProperty(
        family,
        'safeParse never throws; accepted values typed',
        fc.property(documentNear(validSnapshot), (input) => {
          const result = StatsSnapshotSchema.safeParse(input);
          expect(isPrototypePolluted()).toBe(false);
          if (!result.success) return;
          expect(typeViolation(result.data)).toBeUndefined();
          expect(hasStandardPrototypes(result.data)).toBe(true);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );

  it(
    'accepts only snapshot times that Date.parse reads, so the age of a snapshot is always a number',
    async () => {
      const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
      const instant = fc
        .tuple(
          fc.integer({ min: 0, max: 9999 }).map((y) => String(y).padStart(4, '0')),
          two(13),
          two(32),
          two(25),
          two(61),
          two(61),
          fc.constantFrom('', '.1', '.123', '.123456789', '.1234567890123'),
          fc.constantFrom(
            'Z',
            'z',
            '+00:00',
            '-00:00',
            '+14:00',
            '+23:59',
            '+24:00',
            '-12:30',
            '+0200',
            '+02',
            '',
          ),
          fc.constantFrom('T', 't', ' '),
        )
        .map(([y, mo, d, h, mi, s, frac, zone, sep]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${frac}${zone}`);
      await checkFuzzProperty(
        family,
        'accepted snapshotTime is readable by Date.parse',
        fc.property(fc.oneof(instant, fc.string({ maxLength: 30 })), (snapshotTime) => {
          const result = StatsSnapshotSchema.safeParse({ ...validSnapshot, snapshotTime });
          if (result.success) expect(Number.isFinite(Date.parse(snapshotTime))).toBe(true);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );

  it(
    'the table form never throws, and everything it accepts decodes to a snapshot typed on every own key',
    async () => {
      const validTable = JSON.parse(JSON.stringify(encodeSnapshotTable(validSnapshot)));
      await checkFuzzProperty(
        family,
        'table safeParse and decode never throw; decoded values typed',
        fc.property(documentNear(validTable), (input) => {
          const result = StatsSnapshotTableSchema.safeParse(input);
          expect(isPrototypePolluted()).toBe(false);
          if (!result.success) return;
          const decoded = decodeSnapshotTable(result.data);
          expect(isPrototypePolluted()).toBe(false);
          expect(typeViolation(decoded)).toBeUndefined();
          expect(hasStandardPrototypes(decoded)).toBe(true);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );

  it(
    'the version 2 table form, roster given or left out, never throws, and what it accepts decodes typed on every own key',
    async () => {
      const encoded = new SnapshotTableEncoder().encodeV2(validSnapshot);
      const [whole, leftOut] = [undefined, 'tag.0.1'].map((requestTag) =>
        JSON.parse(JSON.stringify(withRosterTag(encoded, 'tag.0.1', requestTag))),
      );
      // What the client holds from an earlier answer of the same agents.
      const held: TaggedRoster = {
        tag: 'tag.0.1',
        columns: StatsSnapshotTableV2Schema.parse(whole).agentTable as AgentTable,
      };
      await checkFuzzProperty(
        family,
        'table v2 safeParse, roster resolution and decode never throw; decoded values typed',
        fc.property(fc.oneof(documentNear(whole), documentNear(leftOut)), (input) => {
          const result = StatsSnapshotTableV2Schema.safeParse(input);
          expect(isPrototypePolluted()).toBe(false);
          if (!result.success) return;
          const resolved = resolveAgentRoster(result.data.agentTable, held);
          if (resolved.issues !== undefined) return;
          const decoded = decodeSnapshotTableV2(result.data, resolved.roster);
          expect(isPrototypePolluted()).toBe(false);
          expect(typeViolation(decoded)).toBeUndefined();
          expect(hasStandardPrototypes(decoded)).toBe(true);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );

  it(
    'accepts the JSON round trip of every snapshot it accepts, unchanged',
    async () => {
      await checkFuzzProperty(
        family,
        'accepted → JSON → accepted and equal',
        // The client only ever parses JSON text, so the fuzzed value goes through JSON first (NaN becomes null).
        fc.property(documentNear(validSnapshot), (raw) => {
          const text = JSON.stringify(raw);
          if (text === undefined) return;
          const first = StatsSnapshotSchema.safeParse(JSON.parse(text));
          if (!first.success) return;
          const again = StatsSnapshotSchema.safeParse(JSON.parse(JSON.stringify(first.data)));
          expect(again.success).toBe(true);
          expect(again.data).toEqual(first.data);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );
});
