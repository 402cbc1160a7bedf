import {
  PacingRoomDecider,
  type DecisionInput,
  type EngineStatsSnapshot,
} from '../../../src/engine/index.js';
import { EMPTY_ROUND_INPUT, roundInput } from '../../../src/engine/pacing-room-decider.js';
import { AgentIndex } from '../../../src/pacing/index.js';
import { haveSameV8Shape } from '../../support/same-v8-shape.js';
import { aTarget } from './engine-fakes.js';

const nowMs = Date.parse('2026-11-25T18:00:00.000Z');

function aSnapshot(freeAgents: number): EngineStatsSnapshot {
  return {
    snapshotTime: new Date(nowMs - 500).toISOString(),
    agents: Array.from({ length: 4 }, (_, i) => ({
      id: `a-${i + 1}`,
      groups: ['sales-agents'],
      skills: {},
      media: {
        chat: {
          state: i < freeAgents ? ('ready' as const) : ('busy' as const),
          capacity: 2,
          load: i < freeAgents ? 0 : 2,
        },
      },
    })),
    virtualQueues: [
      {
        name: 'sales',
        media: 'chat',
        waiting: 0,
        acceptedTotal: 10,
        abandonedTotal: 0,
        answeredTotal: 10,
        handleSecondsTotal: 3000,
      },
    ],
  };
}

function anInput(overrides: Partial<DecisionInput> = {}): DecisionInput {
  return {
    nowMs,
    cycleId: 1,
    intervalMs: 5000,
    policy: 'progressive',
    snapshot: aSnapshot(2),
    targets: [aTarget('sales', { groups: [{ name: 'sales-agents', agents: ['a-1', 'a-2', 'a-3', 'a-4'] }] })],
    reports: new Map(),
    learnedState: {},
    ...overrides,
  };
}

/** Cycle `cycle` of the adaptive policy, 5 s apart, with `freeAgents` free and the queue's counters moving on. */
function anAdaptiveCycle(
  cycle: number,
  freeAgents: number,
  learnedState: Record<string, unknown>,
): DecisionInput {
  const snapshot = aSnapshot(freeAgents);
  return anInput({
    policy: 'adaptive',
    cycleId: cycle + 1,
    nowMs: nowMs + cycle * 5000,
    snapshot: {
      ...snapshot,
      snapshotTime: new Date(nowMs + cycle * 5000 - 500).toISOString(),
      virtualQueues: [
        { ...snapshot.virtualQueues[0]!, acceptedTotal: 10 + 3 * cycle, abandonedTotal: cycle },
      ],
    },
    learnedState,
  });
}

describe('PacingRoomDecider', () => {
  it("builds every round's input with the shape of the empty one its workspace keeps", () => {
    const decider = new PacingRoomDecider();
    decider.decide(anInput());
    const snapshot = aSnapshot(2);
    const input = roundInput(nowMs, 5000, snapshot, [], new Map(), {}, AgentIndex.of(snapshot.agents));
    expect(haveSameV8Shape(input, EMPTY_ROUND_INPUT)).toBe(true);
    expect(EMPTY_ROUND_INPUT.snapshot).toBeUndefined();
    expect(EMPTY_ROUND_INPUT.targets).toHaveLength(0);
  });

  it("splits agents shared with a peer shard's target, so a sharded replica never promises them in full", () => {
    const shared = { groups: [{ name: 'sales-agents', agents: ['a-1', 'a-2', 'a-3', 'a-4'] }] };
    const sales = aTarget('sales', shared);
    const peer = aTarget('support', shared);

    const alone = new PacingRoomDecider().decide(anInput({ targets: [sales] }));
    const withPeer = new PacingRoomDecider().decide(anInput({ targets: [sales], capacityPeers: [peer] }));

    expect(alone.targets.map((t) => [t.id, t.invites, t.figures?.freeSlots])).toEqual([['sales:chat', 4, 4]]);
    // The peer's replica computes the same split and takes the other half: 2 + 2 = the 4 free slots, not 8.
    expect(withPeer.targets.map((t) => [t.id, t.invites, t.figures?.freeSlots])).toEqual([
      ['sales:chat', 2, 2],
    ]);
    expect(Object.keys(withPeer.learnedState)).toEqual(['sales:chat']);
  });

  it('invites as many as there are free slots with the progressive policy and nothing pending', () => {
    const output = new PacingRoomDecider().decide(anInput());

    expect(output.targets).toEqual([
      expect.objectContaining({
        id: 'sales:chat',
        invites: 4,
        figures: expect.objectContaining({ freeSlots: 4 }),
      }),
    ]);
  });

  it('sends nothing while every slot is busy', () => {
    const output = new PacingRoomDecider().decide(anInput({ snapshot: aSnapshot(0) }));

    expect(output.targets[0]?.invites).toBe(0);
  });

  it('keeps learned state as plain JSON that survives a round trip and feeds the next decision', () => {
    const decider = new PacingRoomDecider();
    const first = decider.decide(anInput({ policy: 'adaptive' }));
    const restored = JSON.parse(JSON.stringify(first.learnedState)) as Record<string, unknown>;

    const second = decider.decide(
      anInput({ policy: 'adaptive', nowMs: nowMs + 5000, learnedState: restored }),
    );

    expect(Object.keys(restored)).toEqual(['sales:chat']);
    expect(restored['sales:chat']).toEqual(
      expect.objectContaining({ pacing: expect.anything(), counters: expect.anything() }),
    );
    expect(second.targets[0]?.invites).toBeGreaterThanOrEqual(0);
  });

  it('decides the same whether it is handed back its own learned state or an equal copy of it', () => {
    // The decider reuses what it split its own output into; a copy (a loaded or merged state) is split afresh.
    const rounds = (copy: boolean) => {
      const decider = new PacingRoomDecider();
      let learnedState: Record<string, unknown> = {};
      const outputs = [];
      for (let cycle = 0; cycle < 4; cycle++) {
        const output = decider.decide(anAdaptiveCycle(cycle, cycle % 3, learnedState));
        outputs.push(output);
        learnedState = copy ? structuredClone(output.learnedState) : output.learnedState;
      }
      return outputs;
    };
    const reused = rounds(false);
    expect(reused).toEqual(rounds(true));
    expect(reused.map((o) => o.targets[0]?.invites)).not.toEqual([0, 0, 0, 0]);
  });

  it.each(['adaptive', 'dialer-adaptive'])(
    'decides the same from its own learned state as from a copy while targets come, go, move and share an id (%s)',
    (policy) => {
      // Its own state lets the next round read every target by index; a copy is read by id. Both must agree.
      const agents = ['a-1', 'a-2', 'a-3', 'a-4'];
      const sales = aTarget('sales', { groups: [{ name: 'g', agents }] });
      const support = aTarget('support', { groups: [{ name: 'g', agents: ['a-1', 'a-2'] }] });
      const billing = aTarget('billing', { groups: [{ name: 'g', agents: ['a-3'] }] });
      // Another PacingTarget of the sales queue: the same target id, a second object.
      const salesTwin = aTarget('sales', {
        key: 'tenant-b/sales',
        optimizationGoalPercent: 10,
        groups: [{ name: 'g', agents: ['a-4'] }],
      });
      // Past the adaptive policy's warm-up (20 accepted interactions) before the twins meet. Twins read one
      // queue and one report, so their states differ only where their own config enters (goal, slots).
      const rounds = [
        ...Array.from({ length: 8 }, () => [sales, support, billing]),
        [sales, billing],
        [billing, sales],
        [sales, salesTwin],
        [sales, salesTwin],
        [sales, salesTwin],
        [sales, support, billing],
      ];
      const run = (copy: boolean) => {
        const decider = new PacingRoomDecider();
        let learnedState: Record<string, unknown> = {};
        return rounds.map((targets, cycle) => {
          const input = anAdaptiveCycle(cycle, 1 + (cycle % 3), learnedState);
          const output = decider.decide({ ...input, policy, targets });
          learnedState = copy ? structuredClone(output.learnedState) : output.learnedState;
          return output;
        });
      };
      const own = run(false);
      expect(own).toEqual(run(true));
      expect(own.flatMap((o) => o.targets.map((t) => t.invites)).some((n) => n > 0)).toBe(true);
      expect(Object.keys(own[10]!.learnedState)).toEqual(['sales:chat']);
    },
  );

  it('splits an older learned state afresh (a cycle that was cut short hands back the one before)', () => {
    const decider = new PacingRoomDecider();
    const first = decider.decide(anAdaptiveCycle(0, 2, {}));
    decider.decide(anAdaptiveCycle(1, 2, first.learnedState));
    const retried = decider.decide(anAdaptiveCycle(2, 2, first.learnedState));
    const fresh = new PacingRoomDecider().decide(anAdaptiveCycle(2, 2, structuredClone(first.learnedState)));
    expect(retried).toEqual(fresh);
  });

  it("follows a target's new config object: the kept pacing input is per config, not per target id", () => {
    const decider = new PacingRoomDecider();
    const wide = aTarget('sales', {
      groups: [{ name: 'sales-agents', agents: ['a-1', 'a-2', 'a-3', 'a-4'] }],
    });
    const narrow = aTarget('sales', { groups: [{ name: 'sales-agents', agents: ['a-1'] }] });

    const before = decider.decide(anInput({ targets: [wide] }));
    const after = decider.decide(anInput({ targets: [narrow] }));
    const again = decider.decide(anInput({ targets: [wide] }));

    expect([before, after, again].map((o) => o.targets[0]?.figures.freeSlots)).toEqual([4, 2, 4]);
  });

  it('reports a paused target with the guard reason', () => {
    const output = new PacingRoomDecider().decide(
      anInput({ targets: [aTarget('sales', { isPaused: true, groups: [{ name: 'g', agents: ['a-1'] }] })] }),
    );

    expect(output.targets[0]).toEqual(expect.objectContaining({ invites: 0, reason: 'Paused' }));
  });
});
