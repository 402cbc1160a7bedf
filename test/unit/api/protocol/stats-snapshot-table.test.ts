import fc from 'fast-check';
import {
  STATS_SNAPSHOT_TABLE_MEDIA_TYPE,
  STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE,
  StatsSnapshotSchema,
  StatsSnapshotTableSchema,
  snapshotFormFor,
  decodeSnapshotTable,
  encodeSnapshotTable,
  SnapshotTableEncoder,
  type StatsSnapshot,
} from '../../../../src/api/protocol/index.js';

const name = fc.constantFrom('Sales', 'Support', 'Spanish', 'a\u0000b', 'a', 'b', '["a","b"]', 'constructor');
const mediaState = fc.record({
  state: fc.constantFrom('ready', 'busy', 'not-ready') as fc.Arbitrary<'ready' | 'busy' | 'not-ready'>,
  capacity: fc.oneof(fc.nat(4), fc.constant(2_000_000)),
  load: fc.oneof(fc.nat(4), fc.constant(1_048_576)),
});
const agent = fc.record({
  id: fc.string({ minLength: 1, maxLength: 6 }),
  groups: fc.array(fc.oneof(name, fc.constant('a\u0000'), fc.constant('\u0000b')), { maxLength: 3 }),
  skills: fc.dictionary(
    name,
    fc.oneof(fc.integer({ min: -3, max: 10 }), fc.double({ noNaN: true, noDefaultInfinity: true })),
  ),
  media: fc.dictionary(fc.constantFrom('chat', 'voice', 'email'), mediaState, { maxKeys: 3 }),
});
const snapshot: fc.Arbitrary<StatsSnapshot> = fc.record({
  snapshotTime: fc.constant('2026-11-26T01:00:00.000Z'),
  agents: fc.array(agent, { maxLength: 30 }),
  virtualQueues: fc.constant([
    {
      name: 'Proactive Chat',
      media: 'chat',
      waiting: 2,
      waitingAgesSeconds: [3.5, 1],
      acceptedTotal: 10,
      abandonedTotal: 1,
      answeredTotal: 9,
      handleSecondsTotal: 1200,
    },
  ]),
});

/** What a client does with the table a source sent: JSON text, then the schema, then the decoder. */
function overTheWire(input: StatsSnapshot): StatsSnapshot {
  const parsed = StatsSnapshotTableSchema.parse(JSON.parse(JSON.stringify(encodeSnapshotTable(input))));
  return decodeSnapshotTable(parsed);
}

const twoTeams: StatsSnapshot = {
  snapshotTime: '2026-11-26T01:00:00.000Z',
  agents: ['a-1', 'a-2', 'a-3'].map((id, i) => ({
    id,
    groups: [i < 2 ? 'Team A' : 'Team B'],
    skills: { Spanish: i < 2 ? 6 : 2 },
    media: { chat: { state: 'ready' as const, capacity: 2, load: 1 } },
  })),
  virtualQueues: [],
};

describe('the table form of a statistics snapshot', () => {
  it('decodes to exactly the snapshot it encodes (JSON, schema and decoder between)', () => {
    fc.assert(
      fc.property(snapshot, (input) => {
        const decoded = overTheWire(input);
        // Compared with the object form after the same JSON text (which turns -0 into 0).
        expect(decoded).toEqual(StatsSnapshotSchema.parse(JSON.parse(JSON.stringify(input))));
        // Every own key survives: toEqual alone would accept a skill level lost from a shared record.
        expect(decoded.agents.map((a) => Object.keys(a.skills).sort())).toEqual(
          input.agents.map((a) => Object.keys(a.skills).sort()),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('lists each distinct group list and skill record once, and decoded agents share frozen copies', () => {
    const table = encodeSnapshotTable(twoTeams);
    expect(table.agentTable.groupSets).toEqual([['Team A'], ['Team B']]);
    expect(table.agentTable.groupSet).toEqual([0, 0, 1]);
    expect(table.agentTable.skillSets).toEqual([{ Spanish: 6 }, { Spanish: 2 }]);
    expect(table.agentTable.media).toEqual({
      chat: { state: [0, 0, 0], capacity: [2, 2, 2], load: [1, 1, 1] },
    });

    const [first, second] = overTheWire(twoTeams).agents;
    expect(first!.groups).toBe(second!.groups);
    expect(first!.media).toBe(second!.media);
    expect(Object.isFrozen(first!.groups) && Object.isFrozen(first!.skills)).toBe(true);
    expect(Object.isFrozen(first!.media) && Object.isFrozen(first!.media.chat)).toBe(true);
  });

  it("encodes a source's successive snapshots as encodeSnapshotTable does, reusing unchanged agent columns", () => {
    // Each step changes the last snapshot as a source would: new states only (the agent objects keep their group
    // and skill objects), an equal group list in a new array, another team's skills, a new order, one agent less.
    type Step = 'states' | 'equal-groups' | 'other-skills' | 'reorder' | 'drop';
    const steps = fc.array(
      fc.constantFrom<Step>('states', 'equal-groups', 'other-skills', 'reorder', 'drop'),
      {
        minLength: 1,
        maxLength: 6,
      },
    );
    const next = (agents: StatsSnapshot['agents'], step: Step, k: number): StatsSnapshot['agents'] => {
      if (step === 'reorder') return [...agents].reverse();
      if (step === 'drop') return agents.slice(1);
      return agents.map((a, i) => ({
        ...a,
        media: { chat: { state: 'busy' as const, capacity: 2, load: (i + k) % 3 } },
        ...(step === 'equal-groups' && i === 0 ? { groups: [...a.groups] } : {}),
        ...(step === 'other-skills' && i === 0 && agents.length > 1 ? { skills: agents[1]!.skills } : {}),
      }));
    };
    fc.assert(
      fc.property(snapshot, steps, (first, changes) => {
        const encoder = new SnapshotTableEncoder();
        let current = first;
        let previous = encoder.encode(current);
        expect(JSON.stringify(previous)).toBe(JSON.stringify(encodeSnapshotTable(current)));
        changes.forEach((step, k) => {
          current = { ...current, agents: next(current.agents, step, k) };
          const table = encoder.encode(current);
          expect(JSON.stringify(table)).toBe(JSON.stringify(encodeSnapshotTable(current)));
          // New states alone keep every agent's id, groups and skills: the columns are the last ones.
          if (step === 'states') expect(table.agentTable.groupSet).toBe(previous.agentTable.groupSet);
          previous = table;
        });
      }),
      { numRuns: 200 },
    );
  });

  it('marks an agent without a media by state -1 and leaves that media out of its record', () => {
    const mixed: StatsSnapshot = {
      ...twoTeams,
      agents: [
        { id: 'v', groups: [], skills: {}, media: { voice: { state: 'busy', capacity: 1, load: 1 } } },
        { id: 'c', groups: [], skills: {}, media: { chat: { state: 'not-ready', capacity: 3, load: 0 } } },
      ],
    };
    expect(encodeSnapshotTable(mixed).agentTable.media).toEqual({
      voice: { state: [1, -1], capacity: [1, 0], load: [1, 0] },
      chat: { state: [-1, 2], capacity: [0, 3], load: [0, 0] },
    });
    expect(overTheWire(mixed).agents.map((a) => Object.keys(a.media))).toEqual([['voice'], ['chat']]);
  });

  /** The wire table as a test spoils it. */
  interface WireTable {
    agentTable: {
      ids: string[];
      groupSet: number[];
      skillSet: number[];
      skillSets: unknown[];
      media: Record<string, { state: number[]; capacity: number[]; load: number[] }>;
    };
  }
  const valid = (): WireTable => JSON.parse(JSON.stringify(encodeSnapshotTable(twoTeams)));
  const refusals: [string, (table: WireTable) => void, string][] = [
    [
      'a column shorter than ids',
      (t) => t.agentTable.groupSet.pop(),
      'agentTable.groupSet: has 2 rows, ids has 3',
    ],
    [
      'a media column longer than ids',
      (t) => t.agentTable.media.chat!.load.push(0),
      'agentTable.media.chat.load: has 4 rows, ids has 3',
    ],
    [
      'an index past its list',
      (t) => (t.agentTable.skillSet[2] = 7),
      'agentTable.skillSet.2: index 7 is outside the 2 entries of skillSets',
    ],
    [
      'a state code that names nothing',
      (t) => (t.agentTable.media.chat!.state[1] = 3),
      'agentTable.media.chat.state.1',
    ],
    ['a negative load', (t) => (t.agentTable.media.chat!.load[0] = -1), 'agentTable.media.chat.load.0'],
    ['an empty agent id', (t) => (t.agentTable.ids[0] = ''), 'agentTable.ids.0'],
    [
      'a "__proto__" skill record key',
      (t) => (t.agentTable.skillSets[0] = JSON.parse('{"__proto__": 5}')),
      'agentTable.skillSets.0.__proto__: the key "__proto__" is not allowed',
    ],
    [
      'a "__proto__" media name',
      (t) =>
        (t.agentTable.media = JSON.parse(
          '{"__proto__": {"state": [0,0,0], "capacity": [1,1,1], "load": [0,0,0]}}',
        )),
      'agentTable.media.__proto__: the key "__proto__" is not allowed',
    ],
    [
      'a "__proto__" media name beside valid ones, its value no columns at all (found by fuzzing)',
      (t) =>
        (t.agentTable.media = JSON.parse(
          `{"chat": ${JSON.stringify(t.agentTable.media.chat!)}, "__proto__": 0}`,
        )),
      'agentTable.media.__proto__: the key "__proto__" is not allowed',
    ],
  ];

  it.each(refusals)('refuses %s, naming the field', (_name, spoil, message) => {
    const table = valid();
    spoil(table);
    const result = StatsSnapshotTableSchema.safeParse(table);
    expect(result.success).toBe(false);
    const issues = result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues.some((issue) => issue.startsWith(message))).toBe(true);
  });

  it.each([
    [STATS_SNAPSHOT_TABLE_MEDIA_TYPE, 'table'],
    [`application/json;q=0.5, ${STATS_SNAPSHOT_TABLE_MEDIA_TYPE}`, 'table'],
    [`${STATS_SNAPSHOT_TABLE_MEDIA_TYPE.toUpperCase()}; q=0.8`, 'table'],
    [`${STATS_SNAPSHOT_TABLE_MEDIA_TYPE};q=0`, 'object'],
    [STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE, 'table-v2'],
    [`${STATS_SNAPSHOT_TABLE_MEDIA_TYPE}, ${STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE};q=0.1`, 'table-v2'],
    [`${STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE};q=0, ${STATS_SNAPSHOT_TABLE_MEDIA_TYPE}`, 'table'],
    [`${STATS_SNAPSHOT_TABLE_V2_MEDIA_TYPE};q=0`, 'object'],
    ['application/vnd.agentpacing.snapshot-table.v3+json', 'object'],
    ['application/json', 'object'],
    ['*/*', 'object'],
    [undefined, 'object'],
  ])('answers the Accept header %j with the %s form', (accept, expected) => {
    expect(snapshotFormFor(accept)).toBe(expected);
  });
});
