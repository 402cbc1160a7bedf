import fc from 'fast-check';
import {
  resolveTargetAgents,
  type AgentGroupInput,
  type AgentInput,
  type ResolvedTargetAgents,
  type StatsSnapshotInput,
  type TargetInput,
} from '../../../src/pacing/index.js';

function snapshotOf(
  ids: readonly string[],
  spanish: (id: string) => number = () => 0,
  groups: (id: string) => string[] = () => ['Sales'],
): StatsSnapshotInput {
  const agents: AgentInput[] = ids.map((id) => ({
    // Fresh string objects, as a newly parsed snapshot has them.
    id: `${id} `.trim(),
    groups: groups(id),
    skills: { Spanish: spanish(id) },
    media: { chat: { state: 'ready', capacity: 1, load: 0 } },
  }));
  return { snapshotTime: '2026-01-05T08:00:00.000Z', agents, virtualQueues: [] };
}

function aTarget(id: string, agentGroups: AgentGroupInput[]): TargetInput {
  return { id, media: 'chat', goalPercent: 3, agentGroups, paused: false };
}

/** The resolution as plain arrays, to compare one made with a hint to one made afresh. */
function plain(resolved: ResolvedTargetAgents): unknown {
  return {
    offsets: Array.from(resolved.offsets),
    members: Array.from(resolved.members),
    problems: resolved.problemsByTarget,
  };
}

describe('resolveTargetAgents', () => {
  const ids = ['a1', 'a2', 'a3', 'a4'];
  const listed = [
    aTarget('T1:chat', [{ name: 'list', agents: ['a2', 'a4'] }]),
    aTarget('T2:chat', [{ name: 'list', agents: ['a4', 'missing', 'a1'] }]),
  ];

  it("hands back last round's resolution of the same list-only targets while the agents keep their order", () => {
    const first = resolveTargetAgents(snapshotOf(ids), listed);
    // A new array of the same target inputs, as the operator builds one every round.
    const second = resolveTargetAgents(snapshotOf(ids), [...listed], first.agentIndex);

    expect(second).toBe(first);
    expect(plain(second)).toEqual(plain(resolveTargetAgents(snapshotOf(ids), listed)));
    expect(Array.from(second.members)).toEqual([1, 3, 3, 0]);
  });

  it('resolves again when a target, the agents or their order changed', () => {
    const first = resolveTargetAgents(snapshotOf(ids), listed);
    const sameContent = listed.map((t) =>
      aTarget(
        t.id,
        t.agentGroups.map((g) => ({ ...g })),
      ),
    );
    const cases: [StatsSnapshotInput, TargetInput[]][] = [
      [snapshotOf(ids), sameContent],
      [snapshotOf(ids), [listed[0]!]],
      [snapshotOf(['a4', 'a3', 'a2', 'a1']), listed],
      [snapshotOf(['a1', 'a2', 'a4']), listed],
    ];
    for (const [snapshot, targets] of cases) {
      const again = resolveTargetAgents(snapshot, targets, first.agentIndex);
      expect(again).not.toBe(first);
      expect(plain(again)).toEqual(plain(resolveTargetAgents(snapshot, targets)));
    }
  });

  it('never reuses a resolution that read group names or skills, which a new snapshot may change', () => {
    const mixed = [
      ...listed,
      aTarget('T3:chat', [{ name: 'es', skillExpression: 'Spanish > 5' }]),
      aTarget('T4:chat', [{ name: 'Sales' }]),
    ];
    const first = resolveTargetAgents(
      snapshotOf(ids, () => 0),
      mixed,
    );
    const skilled = snapshotOf(ids, (id) => (id === 'a3' ? 9 : 0));
    const second = resolveTargetAgents(skilled, mixed, first.agentIndex);

    expect(second).not.toBe(first);
    expect(plain(second)).toEqual(plain(resolveTargetAgents(skilled, mixed)));
    // T3's row: empty before, a3 (index 2) once it has the skill.
    expect(Array.from(second.members.subarray(second.offsets[2], second.offsets[3]))).toEqual([2]);
  });

  it('resolves every round as a fresh resolution would, whatever was handed on (property)', () => {
    const pool = [
      aTarget('L1:chat', [{ name: 'list', agents: ['a0', 'a2'] }]),
      aTarget('L2:chat', [{ name: 'list', agents: ['a3', 'a1', 'a3'] }]),
      aTarget('L3:chat', [
        { name: 'x', agents: ['a4'] },
        { name: 'y', agents: ['a4', 'a0'] },
      ]),
      aTarget('S1:chat', [{ name: 'es', skillExpression: 'Spanish > 5' }]),
      aTarget('N1:chat', [{ name: 'Sales' }]),
    ];
    // Few agent orders and target lists, so that rounds often repeat them (what a reused resolution needs), and
    // skills and group names that move between rounds.
    const round = fc.record({
      agents: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom<number[]>([0, 1, 2, 3, 4], [4, 3, 2, 1, 0]) },
        { weight: 1, arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { maxLength: 6 }) },
      ),
      targets: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom<number[]>([0, 1, 2], [0, 1, 2, 3, 4], [1, 4]) },
        { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: pool.length - 1 }), { maxLength: 4 }) },
      ),
      marked: fc.integer({ min: 0, max: 5 }),
    });
    fc.assert(
      fc.property(fc.array(round, { minLength: 1, maxLength: 8 }), (rounds) => {
        let hint: ResolvedTargetAgents['agentIndex'];
        for (const r of rounds) {
          const marked = `a${r.marked}`;
          const snapshot = snapshotOf(
            r.agents.map((n) => `a${n}`),
            (id) => (id === marked ? 9 : 0),
            (id) => (id === marked ? [] : ['Sales']),
          );
          const targets = r.targets.map((t) => pool[t]!);
          const hinted = resolveTargetAgents(snapshot, targets, hint);
          expect(plain(hinted)).toEqual(plain(resolveTargetAgents(snapshot, targets)));
          hint = hinted.agentIndex ?? hint;
        }
      }),
    );
  });
});
