import fc from 'fast-check';
import {
  buildObservations,
  type AgentInput,
  type CounterMemory,
  type EngagementReportInput,
  type ObservationInput,
  type StatsSnapshotInput,
  type TargetInput,
  type VirtualQueueInput,
} from '../../../src/pacing/index.js';
import { aQueue } from '../../support/virtual-queue-fixture.js';

const at = Date.UTC(2026, 0, 5, 8, 0, 0);

function anAgent(id: string, overrides: Partial<AgentInput> = {}): AgentInput {
  return {
    id,
    groups: ['Sales'],
    skills: {},
    media: { chat: { state: 'ready', capacity: 2, load: 0 } },
    ...overrides,
  };
}

function aTarget(id: string, overrides: Partial<TargetInput> = {}): TargetInput {
  return { id, media: 'chat', goalPercent: 3, agentGroups: [{ name: 'Sales' }], paused: false, ...overrides };
}

function input(
  agents: AgentInput[],
  targets: TargetInput[],
  more: Partial<Omit<ObservationInput, 'reports'>> & {
    queues?: VirtualQueueInput[];
    reports?: EngagementReportInput[];
  } = {},
): ObservationInput {
  const { queues, reports, ...rest } = more;
  const snapshot: StatsSnapshotInput = {
    snapshotTime: new Date(at).toISOString(),
    agents,
    virtualQueues: queues ?? targets.map((t) => aQueue(t.id.split(':')[0]!)),
  };
  return {
    nowMs: at + 1000,
    intervalMs: 2000,
    staleAfterMs: 10_000,
    snapshot,
    targets,
    reports: new Map((reports ?? []).map((r) => [r.id, r])),
    memory: {},
    ...rest,
  };
}

describe('buildObservations', () => {
  it.each([
    ['a group name: every agent listing it', { name: 'Sales' }, 2],
    ['a fixed agent list: those agents only', { name: 'VIP', agents: ['a1', 'missing'] }, 1],
    ['a skill expression: every agent matching it', { name: 'es', skillExpression: 'Spanish > 5' }, 1],
    [
      'a skill expression where a missing skill counts as 0',
      { name: 'no-es', skillExpression: 'Spanish < 3' },
      2,
    ],
  ])('resolves %s', (_name, group, count) => {
    const agents = [
      anAgent('a1', { skills: { Spanish: 7 } }),
      anAgent('a2'),
      anAgent('a3', { groups: ['Support'] }),
    ];
    const [obs] = buildObservations(
      input(agents, [aTarget('Q:chat', { agentGroups: [group] })]),
    ).observations;
    expect(obs!.agentCount).toBe(count);
  });

  it('counts an agent in several groups of one target once', () => {
    const agents = [anAgent('a1', { groups: ['Sales', 'Support'] })];
    const target = aTarget('Q:chat', { agentGroups: [{ name: 'Sales' }, { name: 'Support' }] });
    const [obs] = buildObservations(input(agents, [target])).observations;
    expect(obs).toMatchObject({ agentCount: 1, freeSlots: 2, staffedSlots: 2 });
  });

  it('reports an unparsable skill expression as a problem of that target and resolves no agent from it', () => {
    const target = aTarget('Q:chat', { agentGroups: [{ name: 'bad', skillExpression: 'Spanish >' }] });
    const result = buildObservations(input([anAgent('a1')], [target]));
    expect(result.observations[0]!.agentCount).toBe(0);
    expect(result.problems['Q:chat']![0]).toMatch(/agent group bad: /);
  });

  it.each([
    [
      'ready with spare capacity',
      { state: 'ready', capacity: 3, load: 1 },
      { freeSlots: 2, busySlots: 1, staffedSlots: 3 },
    ],
    ['busy', { state: 'busy', capacity: 1, load: 1 }, { freeSlots: 0, busySlots: 1, staffedSlots: 1 }],
    [
      'not ready but still finishing a chat',
      { state: 'not-ready', capacity: 2, load: 1 },
      { freeSlots: 0, busySlots: 1, staffedSlots: 1 },
    ],
  ] as const)('counts the slots of an agent %s', (_name, media, expected) => {
    const [obs] = buildObservations(
      input([anAgent('a1', { media: { chat: media } })], [aTarget('Q:chat')]),
    ).observations;
    expect(obs).toMatchObject(expected);
  });

  it('counts only the slots of the target’s media', () => {
    const agent = anAgent('a1', {
      media: {
        chat: { state: 'ready', capacity: 2, load: 0 },
        voice: { state: 'ready', capacity: 1, load: 0 },
      },
    });
    const targets = [aTarget('Q:chat'), aTarget('Q:voice', { media: 'voice' })];
    const [chat, voice] = buildObservations(input([agent], targets, { queues: [] })).observations;
    expect(chat!.freeSlots).toBe(2);
    expect(voice!.freeSlots).toBe(1);
  });

  it('splits a shared agent’s free slots equally and gives a paused target no share', () => {
    const agents = [anAgent('a1', { media: { chat: { state: 'ready', capacity: 3, load: 1 } } })];
    const both = [aTarget('A:chat'), aTarget('B:chat')];
    const [a, b] = buildObservations(input(agents, both)).observations;
    expect([a!.freeSlots, b!.freeSlots]).toEqual([1, 1]);
    const paused = [aTarget('A:chat'), aTarget('B:chat', { paused: true })];
    const [a2, b2] = buildObservations(input(agents, paused)).observations;
    expect([a2!.freeSlots, b2!.freeSlots]).toEqual([2, 0]);
  });

  it('never promises one free slot to two targets (any groups, any overlap)', () => {
    const agentArbitrary = fc.record({
      groups: fc.subarray(['A', 'B', 'C']),
      capacity: fc.integer({ min: 0, max: 4 }),
      load: fc.integer({ min: 0, max: 4 }),
      state: fc.constantFrom('ready' as const, 'busy' as const, 'not-ready' as const),
    });
    const targetArbitrary = fc.record({
      groups: fc.subarray(['A', 'B', 'C'], { minLength: 1 }),
      paused: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(agentArbitrary, { maxLength: 12 }),
        fc.array(targetArbitrary, { maxLength: 5 }),
        (as, ts) => {
          const agents = as.map((a, i) =>
            anAgent(`a${i}`, {
              groups: a.groups,
              media: { chat: { state: a.state, capacity: a.capacity, load: Math.min(a.load, a.capacity) } },
            }),
          );
          const targets = ts.map((t, i) =>
            aTarget(`T${i}:chat`, { paused: t.paused, agentGroups: t.groups.map((name) => ({ name })) }),
          );
          const { observations } = buildObservations(input(agents, targets));
          const promised = observations.reduce((sum, o) => sum + o.freeSlots, 0);
          const served = agents.filter((a) =>
            targets.some((t) => t.agentGroups.some((g) => a.groups.includes(g.name))),
          );
          const free = served.reduce((sum, a) => {
            const m = a.media['chat']!;
            return sum + (m.state === 'ready' ? m.capacity - m.load : 0);
          }, 0);
          expect(promised).toBeLessThanOrEqual(free + 1e-9);
          // Nothing is lost either: every free slot of a served agent goes to some target.
          expect(promised).toBeCloseTo(free, 9);
        },
      ),
    );
  });

  it("resolves agent lists the same with last round's agent index, however the agents moved since", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 12 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 12 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 5 }), { minLength: 1, maxLength: 4 }),
        (before, after, lists) => {
          const agentsOf = (ids: number[]) =>
            ids.map((id) =>
              anAgent(`a${id}`, { media: { chat: { state: 'ready', capacity: 1 + (id % 3), load: 0 } } }),
            );
          const targets = lists.map((ids, t) =>
            aTarget(`T${t}:chat`, { agentGroups: [{ name: 'list', agents: ids.map((id) => `a${id}`) }] }),
          );
          const lastRound = buildObservations(input(agentsOf(before), targets));
          const hinted = buildObservations(
            input(agentsOf(after), targets, { agentIndex: lastRound.agentIndex }),
          );
          const fresh = buildObservations(input(agentsOf(after), targets));

          expect(hinted.observations.map((o) => [o.agentCount, o.freeSlots])).toEqual(
            fresh.observations.map((o) => [o.agentCount, o.freeSlots]),
          );
          // The index handed on is right for this round's agents, whether kept or rebuilt.
          for (const id of after.map((n) => `a${n}`)) {
            expect(agentsOf(after)[hinted.agentIndex!.indexOf(id)!]?.id).toBe(id);
          }
          for (const id of before.filter((n) => !after.includes(n)).map((n) => `a${n}`)) {
            expect(hinted.agentIndex!.indexOf(id)).toBeUndefined();
          }
        },
      ),
    );
  });

  it('keeps the agent index it was given while the snapshot lists the same agents in the same order', () => {
    const agents = [anAgent('a1'), anAgent('a2')];
    const targets = [aTarget('T:chat', { agentGroups: [{ name: 'list', agents: ['a2'] }] })];
    const first = buildObservations(input(agents, targets));
    const second = buildObservations(
      input([anAgent('a1'), anAgent('a2')], targets, { agentIndex: first.agentIndex }),
    );
    const reordered = buildObservations(
      input([anAgent('a2'), anAgent('a1')], targets, { agentIndex: first.agentIndex }),
    );

    expect(first.agentIndex?.indexOf('a2')).toBe(1);
    expect(second.agentIndex).toBe(first.agentIndex);
    expect(reordered.agentIndex).not.toBe(first.agentIndex);
    expect(reordered.agentIndex?.indexOf('a2')).toBe(0);
    expect(buildObservations(input(agents, [aTarget('T:chat')])).agentIndex).toBeUndefined();
  });

  it('turns cumulative counters into deltas, treating a counter that went down as a reset', () => {
    const target = aTarget('Q:chat');
    const report = (sent: number): EngagementReportInput => ({
      id: 'Q:chat',
      pending: 2,
      sentTotal: sent,
      acceptedTotal: sent / 4,
      declinedTotal: sent / 2,
      expiredTotal: 0,
    });
    let memory: CounterMemory = {};
    const step = (ms: number, accepted: number, sent: number) => {
      const base = input([anAgent('a1')], [target], {
        queues: [aQueue('Q', { acceptedTotal: accepted, abandonedTotal: 1 })],
        reports: [report(sent)],
      });
      const result = buildObservations({
        ...base,
        nowMs: at + ms + 500,
        snapshot: { ...base.snapshot!, snapshotTime: new Date(at + ms).toISOString() },
        memory,
      });
      memory = result.memory;
      return result.observations[0]!.deltas;
    };
    expect(step(0, 100, 400)).toMatchObject({ queueAccepted: 0, sent: 0, statsSeconds: 0 });
    expect(step(2000, 103, 412)).toMatchObject({
      queueAccepted: 3,
      sent: 12,
      inviteAccepted: 3,
      statsSeconds: 2,
    });
    // The statistics source restarted: its counters start again from 0.
    expect(step(4000, 2, 420)).toMatchObject({ queueAccepted: 2, sent: 8 });
  });

  it('adds nothing when the snapshot did not move forward', () => {
    const base = input([anAgent('a1')], [aTarget('Q:chat')], {
      queues: [aQueue('Q', { acceptedTotal: 10 })],
    });
    const first = buildObservations(base);
    const again = buildObservations({
      ...base,
      snapshot: { ...base.snapshot!, virtualQueues: [aQueue('Q', { acceptedTotal: 15 })] },
      nowMs: base.nowMs + 2000,
      memory: first.memory,
    });
    expect(again.observations[0]!.deltas).toMatchObject({ queueAccepted: 0, statsSeconds: 0 });
  });

  it.each([
    ['older than the limit', { nowMs: at + 11_000 }, true],
    ['within the limit', { nowMs: at + 9_000 }, false],
    ['missing', { snapshot: undefined }, true],
  ])('marks statistics %s as stale accordingly', (_name, overrides, isStale) => {
    const [obs] = buildObservations({
      ...input([anAgent('a1')], [aTarget('Q:chat')]),
      ...overrides,
    }).observations;
    expect(obs!.isStale).toBe(isStale);
  });
});
