import fc from 'fast-check';
import {
  AgentDecodeMemory,
  SnapshotTableEncoder,
  decodeSnapshotTableV2,
  resolveAgentRoster,
  type AgentRoster,
  type SnapshotAgent,
  type StatsSnapshot,
  type StatsSnapshotTableV2,
} from '../../../../src/api/protocol/index.js';
import { receivedTableV2 } from '../../../support/io/received-table.js';

/** The roster columns of a received whole table. */
function rosterOf(table: StatsSnapshotTableV2): AgentRoster {
  const resolved = resolveAgentRoster(table.agentTable, undefined);
  if (resolved.roster === undefined) throw new Error(resolved.issues?.join('; '));
  return resolved.roster;
}

const STATES = ['ready', 'busy', 'not-ready'] as const;

/** An agent of `pool` with one media state per name of `media` (a name at -1 is left out). */
function agentOf(id: number, media: readonly (readonly [string, number])[]): SnapshotAgent {
  return {
    id: `agent-${id}`,
    groups: [`group-${id % 3}`],
    skills: id % 2 === 0 ? {} : { Spanish: id % 7 },
    media: Object.fromEntries(
      media
        .filter(([, code]) => code >= 0)
        .map(([name, code]) => [
          name,
          { state: STATES[code % 3]!, capacity: 2, load: code % 3 === 1 ? 2 : 0 },
        ]),
    ),
  };
}

/** Per snapshot: a media name set and one state code per agent and media (-1: no such media). */
const snapshots = fc.array(
  fc.record({
    names: fc.constantFrom(['chat'], ['chat', 'voice'], ['voice']),
    codes: fc.array(fc.array(fc.integer({ min: -1, max: 5 }), { minLength: 2, maxLength: 2 }), {
      minLength: 1,
      maxLength: 12,
    }),
    isNewRoster: fc.boolean(),
  }),
  { minLength: 2, maxLength: 6 },
);

describe('AgentDecodeMemory', () => {
  it('decodes successive tables exactly as without it, sharing only agents whose roster row and media are the same', () => {
    fc.assert(
      fc.property(snapshots, (sequence) => {
        const memory = new AgentDecodeMemory();
        let held: AgentRoster | undefined;
        let previous: StatsSnapshot | undefined;
        for (const { names, codes, isNewRoster } of sequence) {
          const snapshot: StatsSnapshot = {
            snapshotTime: '2026-11-27T19:00:00.000Z',
            agents: codes.map((agentCodes, id) =>
              agentOf(
                id,
                names.map((name, m) => [name, agentCodes[m]!]),
              ),
            ),
            virtualQueues: [],
          };
          const table = receivedTableV2(new SnapshotTableEncoder().encodeV2(snapshot));
          // A client keeps the roster it holds (the same object) until the source sends another.
          const roster: AgentRoster =
            held === undefined || isNewRoster || held.ids.length !== codes.length ? rosterOf(table) : held;
          const decoded = decodeSnapshotTableV2(table, roster, memory);
          expect(decoded).toStrictEqual(decodeSnapshotTableV2(table));
          decoded.agents.forEach((agent, row) => {
            const before = previous?.agents[row];
            const isShared = before === agent;
            expect(isShared).toBe(roster === held && before !== undefined && before.media === agent.media);
          });
          held = roster;
          previous = decoded;
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the media records of the last decode while the media names stay the same', () => {
    const memory = new AgentDecodeMemory();
    const chat = memory.recordsFor(['chat'], 10);
    expect(memory.recordsFor(['chat'], 10)).toBe(chat);
    const blended = memory.recordsFor(['chat', 'voice'], 10);
    expect(blended).not.toBe(chat);
    expect(memory.recordsFor(['voice', 'chat'], 10)).not.toBe(blended);
  });

  it('starts the records afresh once there are more than the rows plus a margin', () => {
    const memory = new AgentDecodeMemory();
    const records = memory.recordsFor(['chat'], 1);
    for (let i = 0; i < 1026; i++) records.set(i, {});
    expect(memory.recordsFor(['chat'], 1)).not.toBe(records);
    expect(memory.recordsFor(['chat'], 1).size).toBe(0);
  });

  it('offers the last agents only for the very roster object they were decoded from', () => {
    const memory = new AgentDecodeMemory();
    const table = receivedTableV2(
      new SnapshotTableEncoder().encodeV2({
        snapshotTime: '2026-11-27T19:00:00.000Z',
        agents: [agentOf(1, [['chat', 0]])],
        virtualQueues: [],
      }),
    );
    const roster = rosterOf(table);
    const decoded = decodeSnapshotTableV2(table, roster, memory);
    expect(memory.agentsOf(roster)).toBe(decoded.agents);
    expect(memory.agentsOf({ ...roster })).toBeUndefined();
  });
});
