import fc from 'fast-check';
import {
  SnapshotTableEncoder,
  StatsSnapshotTableV2Schema,
  decodeSnapshotTableV2,
  resolveAgentRoster,
  withRosterTag,
  type SnapshotAgent,
  type StatsSnapshot,
  type TaggedRoster,
} from '../../../../src/api/protocol/index.js';
import { RosterTagIssuer } from '../../../../src/sim/roster-tag-issuer.js';
import { EXAMPLE_SNAPSHOT } from '../../../support/io/example-snapshot.js';
import { receivedTableV2 } from '../../../support/io/received-table.js';

/** The issues of a version 2 answer, as `path: message`. */
function issuesOf(table: unknown): string[] {
  const result = StatsSnapshotTableV2Schema.safeParse(table);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const TAG = 'n0nce.1.1';
const full = withRosterTag(new SnapshotTableEncoder().encodeV2(EXAMPLE_SNAPSHOT), TAG, undefined);
const leftOut = withRosterTag(new SnapshotTableEncoder().encodeV2(EXAMPLE_SNAPSHOT), TAG, TAG);

/** The roster a client holds after reading `full`. */
function heldFrom(table: unknown): TaggedRoster {
  const resolved = resolveAgentRoster(receivedTableV2(table).agentTable, undefined);
  if (resolved.issues !== undefined) throw new Error(resolved.issues.join('; '));
  return { tag: resolved.tag!, columns: resolved.roster };
}

describe('roster tags: a version 2 answer may leave out the roster the client named', () => {
  it('tags a full answer, and leaves the roster columns out only for the tag the request named', () => {
    expect(full.agentTable).toMatchObject({ rosterTag: TAG, ids: ['a-17'] });
    expect(withRosterTag(full, TAG, 'another.1.1').agentTable).toHaveProperty('ids');
    expect(Object.keys(leftOut.agentTable).sort()).toEqual(['media', 'rosterTag']);
  });

  it('accepts a full table with or without a tag and a table of media columns with a tag', () => {
    const untagged = new SnapshotTableEncoder().encodeV2(EXAMPLE_SNAPSHOT);
    for (const table of [full, leftOut, untagged]) expect(issuesOf(table)).toEqual([]);
  });

  it.each([
    ['a roster column alone missing', { ...full.agentTable, ids: undefined }, 'agentTable.ids: '],
    ['the roster left out without a tag', { media: full.agentTable.media }, 'agentTable.rosterTag: '],
    ['a tag with a space', { ...leftOut.agentTable, rosterTag: 'a b' }, 'agentTable.rosterTag: must be 1 to'],
    ['an empty tag', { ...full.agentTable, rosterTag: '' }, 'agentTable.rosterTag: must be 1 to'],
    ['a tag that is not a string', { ...leftOut.agentTable, rosterTag: 7 }, 'agentTable.rosterTag: '],
    ['no agent table at all', undefined, 'agentTable: '],
    ['media columns of the wrong kind', { ...leftOut.agentTable, media: { chat: 1 } }, 'agentTable.media'],
  ])('refuses %s, naming the field', (_name, agentTable, issue) => {
    const issues = issuesOf({
      ...full,
      agentTable: JSON.parse(JSON.stringify(agentTable ?? null)) ?? undefined,
    });
    expect(issues.some((i) => i.startsWith(issue))).toBe(true);
  });

  it('refuses a "__proto__" media name in a table that left the roster out', () => {
    const agentTable = JSON.parse(
      `{"rosterTag":"${TAG}","media":{"__proto__":{"state":[],"capacity":[],"load":[]}}}`,
    );
    expect(issuesOf({ ...full, agentTable })).toContain(
      'agentTable.media.__proto__: the key "__proto__" is not allowed',
    );
  });

  it('holds only the roster columns of a whole answer, not its media columns or tag', () => {
    expect(Object.keys(heldFrom(full).columns).sort()).toEqual([
      'groupSet',
      'groupSets',
      'ids',
      'skillSet',
      'skillSets',
    ]);
    expect(heldFrom(full).tag).toBe(TAG);
  });

  it('reads a table that left the roster out against the roster it names', () => {
    const held = heldFrom(full);
    const table = receivedTableV2(leftOut);
    const resolved = resolveAgentRoster(table.agentTable, held);
    expect(resolved.issues).toBeUndefined();
    expect(resolved.roster).toBe(held.columns);
    expect(decodeSnapshotTableV2(table, resolved.roster!)).toStrictEqual(
      decodeSnapshotTableV2(receivedTableV2(full)),
    );
  });

  it('says why it cannot read a table that names a roster the client does not hold, or another row count', () => {
    const table = receivedTableV2(leftOut).agentTable;
    expect(resolveAgentRoster(table, undefined).issues).toEqual([
      expect.stringContaining(
        `agentTable.rosterTag: the roster columns are left out for roster ${TAG}, but this client holds no roster`,
      ),
    ]);
    const held = heldFrom(full);
    expect(resolveAgentRoster(table, { ...held, tag: 'older.1.1' }).issues).toEqual([
      expect.stringContaining('but this client holds roster older.1.1'),
    ]);
    const twoAgents = { tag: TAG, columns: { ...held.columns, ids: ['a-17', 'a-18'] } };
    expect(resolveAgentRoster(table, twoAgents).issues).toEqual([
      `agentTable.media.chat.state: has 1 rows, roster ${TAG} has 2`,
      `agentTable.media.chat.capacity: has 1 rows, roster ${TAG} has 2`,
      `agentTable.media.chat.load: has 1 rows, roster ${TAG} has 2`,
      `agentTable.media.voice.state: has 1 rows, roster ${TAG} has 2`,
      `agentTable.media.voice.capacity: has 1 rows, roster ${TAG} has 2`,
      `agentTable.media.voice.load: has 1 rows, roster ${TAG} has 2`,
    ]);
  });

  it('refuses to decode a table that left the roster out without the roster it names', () => {
    expect(() => decodeSnapshotTableV2(receivedTableV2(leftOut))).toThrow(`leaves out roster ${TAG}`);
  });

  it('gives the snapshot of the full answer for any agents and states, the roster held across answers', () => {
    const agent: fc.Arbitrary<SnapshotAgent> = fc.record({
      id: fc.constantFrom('a-1', 'a-2', 'constructor', '"q"'),
      groups: fc.constantFrom<string[]>(['Sales'], [], ['Sales', 'Support']),
      skills: fc.constantFrom<Record<string, number>>({}, { Spanish: 6 }),
      media: fc.dictionary(
        fc.constantFrom('chat', 'voice'),
        fc.record({
          state: fc.constantFrom('ready' as const, 'busy' as const, 'not-ready' as const),
          capacity: fc.nat(3),
          load: fc.nat(3),
        }),
      ),
    });
    // The same agents (same group and skill objects) in two successive states, as a source sees them.
    const agentsTwice = fc
      .array(agent, { maxLength: 6 })
      .chain((agents) =>
        fc
          .tuple(...agents.map(() => agent.map((a) => a.media)))
          .map((media) => [agents, agents.map((a, i) => ({ ...a, media: media[i]! }))] as const),
      );
    fc.assert(
      fc.property(agentsTwice, ([before, after]) => {
        const issuer = new RosterTagIssuer();
        const snapshotOf = (agents: SnapshotAgent[]): StatsSnapshot => ({
          snapshotTime: EXAMPLE_SNAPSHOT.snapshotTime,
          agents,
          virtualQueues: EXAMPLE_SNAPSHOT.virtualQueues,
        });
        const first = receivedTableV2(issuer.encode(snapshotOf(before), undefined));
        const held = heldFrom(first);
        const second = receivedTableV2(issuer.encode(snapshotOf(after), held.tag));
        expect(second.agentTable).not.toHaveProperty('ids');
        const resolved = resolveAgentRoster(second.agentTable, held);
        expect(decodeSnapshotTableV2(second, resolved.roster!)).toStrictEqual(
          decodeSnapshotTableV2(receivedTableV2(new SnapshotTableEncoder().encodeV2(snapshotOf(after)))),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('RosterTagIssuer (a source keeping one tag per set of agents asked for)', () => {
  const agents = (ids: string[]): StatsSnapshot => ({
    snapshotTime: EXAMPLE_SNAPSHOT.snapshotTime,
    agents: ids.map((id) => ({ ...EXAMPLE_SNAPSHOT.agents[0]!, id })),
    virtualQueues: [],
  });
  const tagOf = (table: { agentTable: unknown }): string =>
    (table.agentTable as { rosterTag: string }).rosterTag;
  const isLeftOut = (table: { agentTable: object }): boolean => !('ids' in table.agentTable);

  it('keeps the tag while the agents stay the same and changes it when they change', () => {
    const issuer = new RosterTagIssuer();
    const first = issuer.encode(agents(['a', 'b']), undefined);
    const again = issuer.encode(agents(['a', 'b']), tagOf(first));
    expect(isLeftOut(again)).toBe(true);
    expect(tagOf(again)).toBe(tagOf(first));
    const changed = issuer.encode(agents(['a', 'c']), tagOf(first));
    expect(isLeftOut(changed)).toBe(false);
    expect(tagOf(changed)).not.toBe(tagOf(first));
    expect(isLeftOut(issuer.encode(agents(['a', 'c']), tagOf(changed)))).toBe(true);
  });

  it('sees the same roster in equal new objects, and a new one when a level, group or order changes', () => {
    const encoder = new SnapshotTableEncoder();
    const fresh = (skills: Record<string, number>, groups: string[], ids = ['a', 'b']): StatsSnapshot => ({
      ...agents(ids),
      agents: ids.map((id) => ({ id, groups: [...groups], skills: { ...skills }, media: {} })),
    });
    encoder.encode(fresh({ Spanish: 6, Sales: 2 }, ['G']));
    encoder.encode(fresh({ Sales: 2, Spanish: 6 }, ['G']));
    expect(encoder.rosterVersion).toBe(1);
    for (const [snapshot, version] of [
      [fresh({ Spanish: 7, Sales: 2 }, ['G']), 2],
      [fresh({ Spanish: 7 }, ['G']), 3],
      [fresh({ Spanish: 7 }, ['G', 'H']), 4],
      [fresh({ Spanish: 7 }, ['G', 'H'], ['b', 'a']), 5],
      [fresh({ Spanish: 7 }, ['G', 'H'], ['b', 'a']), 5],
    ] as const) {
      encoder.encode(snapshot);
      expect(encoder.rosterVersion).toBe(version);
    }
  });

  it('keeps a tag per client asking for its own agents, even when they first asked alike', () => {
    const issuer = new RosterTagIssuer();
    // Three sharded replicas: their first, untagged requests share one encoder and get its tag of the moment.
    let tags = ['a', 'b', 'c'].map((id) => tagOf(issuer.encode(agents([id]), undefined)));
    let answers = ['a', 'b', 'c'].map((id, i) => issuer.encode(agents([id]), tags[i]));
    tags = answers.map(tagOf);
    answers = ['a', 'b', 'c'].map((id, i) => issuer.encode(agents([id]), tags[i]));
    expect(answers.map(isLeftOut)).toEqual([true, true, true]);
    expect(new Set(answers.map(tagOf)).size).toBe(3);
  });

  it('never honours a tag another source process issued, or one it no longer keeps', () => {
    const issuer = new RosterTagIssuer();
    const tag = tagOf(issuer.encode(agents(['a']), undefined));
    expect(isLeftOut(new RosterTagIssuer().encode(agents(['a']), tag))).toBe(false);
    expect(isLeftOut(issuer.encode(agents(['a']), 'not-a-tag'))).toBe(false);
    // Nine more clients with tags of their own push the oldest kept encoder out.
    const own = tagOf(issuer.encode(agents(['z']), 'unknown'));
    for (let i = 0; i < 9; i++) issuer.encode(agents([`c${i}`]), `unknown-${i}`);
    expect(isLeftOut(issuer.encode(agents(['z']), own))).toBe(false);
  });
});
