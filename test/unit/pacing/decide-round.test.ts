import fc from 'fast-check';
import {
  buildObservations,
  decideAll,
  decideRound,
  policyNames,
  RoundWorkspace,
  type CounterMemory,
  type DecideOptions,
  type ObservationInput,
  type TargetInput,
} from '../../../src/pacing/index.js';
import { prepareObservations } from '../../../src/pacing/observation-builder.js';
import { nextSyntheticRound, syntheticCluster } from '../../../src/sim/decision-speed-benchmark.js';
import { haveSameV8Shape } from '../../support/same-v8-shape.js';

/** A round's input from the synthetic cluster, with some reports and queues gone and some targets changed. */
function roundInput(
  cluster: ReturnType<typeof syntheticCluster>,
  targets: readonly TargetInput[],
  round: number,
  gaps: number,
  memory: CounterMemory,
): ObservationInput {
  const reports = new Map([...cluster.reports].filter((_, i) => (i + round) % (gaps + 2) !== 0));
  const virtualQueues = cluster.snapshot.virtualQueues.filter((_, i) => (i * 3 + round) % (gaps + 3) !== 0);
  return {
    nowMs: Date.parse(cluster.snapshot.snapshotTime) + 500,
    intervalMs: 2000,
    staleAfterMs: round === 2 ? 100 : 10_000,
    snapshot: { ...cluster.snapshot, virtualQueues },
    targets,
    reports,
    memory,
  };
}

describe('decideRound', () => {
  it('decides every round exactly as decideAll over buildObservations, learned state and counters included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 90 }),
        fc.constantFrom(...policyNames),
        fc.nat(3),
        fc.nat(40),
        (targetCount, agents, policy, gaps, decideShare) => {
          const cluster = syntheticCluster({
            targets: targetCount,
            agents,
            skillExpressions: 3,
            rounds: 1,
            policy,
          });
          // Some targets paused or capped, so every guard has its turn.
          const targets = cluster.targets.map((t, j) =>
            j % 5 === gaps ? { ...t, paused: true } : j % 4 === gaps ? { ...t, maxInvitesPerInterval: 1 } : t,
          );
          const decideCount = Math.min(targetCount, decideShare);
          let memoryA: CounterMemory = {};
          let memoryB: CounterMemory = {};
          let statesA: Record<string, unknown> = {};
          let statesB: Record<string, unknown> = {};
          for (let round = 0; round < 4; round++) {
            nextSyntheticRound(cluster, round);
            const observed = buildObservations(roundInput(cluster, targets, round, gaps, memoryA));
            const expected = decideAll(policy, observed.observations.slice(0, decideCount), statesA, {
              explain: false,
            });
            const actual = decideRound(
              policy,
              roundInput(cluster, targets, round, gaps, memoryB),
              statesB,
              { explain: false },
              { decideCount },
            );
            expect(actual.decisions).toEqual(expected.decisions);
            expect(actual.states).toEqual(expected.states);
            const decidedIds = targets.slice(0, decideCount).map((t) => t.id);
            expect(actual.memory).toEqual(
              Object.fromEntries(decidedIds.map((id) => [id, observed.memory[id]])),
            );
            expect(actual.problems).toEqual(
              Object.fromEntries(Object.entries(observed.problems).filter(([id]) => decidedIds.includes(id))),
            );
            memoryA = observed.memory;
            memoryB = actual.memory;
            statesA = expected.states;
            statesB = actual.states;
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("decides the same reading the last round's carry as reading its records, whatever the targets do", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }),
        fc.constantFrom(...policyNames),
        // Per round: the same targets, one dropped, the order reversed, or one target's id repeated.
        fc.array(fc.constantFrom('same', 'drop', 'reverse', 'repeat'), { minLength: 5, maxLength: 5 }),
        (targetCount, policy, changes) => {
          const cluster = syntheticCluster({
            targets: targetCount,
            agents: 40,
            skillExpressions: 2,
            rounds: 1,
            policy,
          });
          const all = cluster.targets;
          const none = { memory: {} as CounterMemory, states: {} as Record<string, unknown> };
          let byRecords = none;
          let previous: ReturnType<typeof decideRound> | undefined;
          let isPreviousRepeated = false;
          changes.forEach((change, round) => {
            const targets =
              change === 'drop'
                ? all.slice(1)
                : change === 'reverse'
                  ? [...all].reverse()
                  : change === 'repeat'
                    ? [...all.slice(0, -1), { ...all.at(-1)!, id: all[0]!.id }]
                    : all;
            nextSyntheticRound(cluster, round);
            const expected = decideRound(
              policy,
              roundInput(cluster, targets, round, 1, byRecords.memory),
              byRecords.states,
            );
            // What the operator does: when the last round left a carry (no id repeated) that fits these targets,
            // no records at all, so the carry must be what is read; else the last round's records.
            const carry = isPreviousRepeated ? undefined : previous?.carry;
            const fits =
              carry !== undefined &&
              carry.ids.length === targets.length &&
              targets.every((t, i) => carry.ids[i] === t.id);
            const records = fits || previous === undefined ? none : previous;
            const actual = decideRound(
              policy,
              roundInput(cluster, targets, round, 1, records.memory),
              records.states,
              {},
              { carry: fits ? carry : undefined },
            );
            expect(actual.decisions).toEqual(expected.decisions);
            expect(actual.states).toEqual(expected.states);
            expect(actual.memory).toEqual(expected.memory);
            byRecords = { memory: expected.memory, states: expected.states };
            previous = actual;
            isPreviousRepeated = new Set(targets.map((t) => t.id)).size < targets.length;
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reads the carry only while it fits: a carry of other targets is ignored', () => {
    const cluster = syntheticCluster({
      targets: 6,
      agents: 30,
      skillExpressions: 0,
      rounds: 1,
      policy: 'adaptive',
    });
    nextSyntheticRound(cluster, 0);
    const first = decideRound('adaptive', roundInput(cluster, cluster.targets, 0, 1, {}), {});
    nextSyntheticRound(cluster, 1);
    const others = cluster.targets.slice(3);
    const cold = decideRound('adaptive', roundInput(cluster, others, 1, 1, {}), {});
    const offered = decideRound(
      'adaptive',
      roundInput(cluster, others, 1, 1, {}),
      {},
      {},
      { carry: first.carry },
    );
    expect(offered.decisions).toEqual(cold.decisions);
    expect(offered.states).toEqual(cold.states);
    expect(first.carry.ids).toEqual(cluster.targets.map((t) => t.id));
  });

  it('decides the same with a workspace kept across rounds as with fresh ones, and uses only one that fits', () => {
    const explained: DecideOptions = {};
    const terse: DecideOptions = { explain: false };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        // Per round: the policy and options object the round is decided with (the workspace fits only the first).
        fc.array(fc.tuple(fc.constantFrom(...policyNames), fc.boolean()), { minLength: 4, maxLength: 4 }),
        (targetCount, rounds) => {
          const [firstPolicy] = rounds[0]!;
          const cluster = syntheticCluster({
            targets: targetCount,
            agents: 50,
            skillExpressions: 2,
            rounds: 1,
            policy: firstPolicy,
          });
          const workspace = new RoundWorkspace(firstPolicy, terse);
          let fresh = { memory: {} as CounterMemory, states: {} as Record<string, unknown> };
          let reused = fresh;
          rounds.forEach(([policy, isTerse], round) => {
            const options = isTerse ? terse : explained;
            // Some targets change their set between rounds, so the workspace's scratch sees other targets.
            const targets = round % 2 === 0 ? cluster.targets : cluster.targets.slice(1);
            nextSyntheticRound(cluster, round);
            const expected = decideRound(
              policy,
              roundInput(cluster, targets, round, 1, fresh.memory),
              fresh.states,
              options,
            );
            const actual = decideRound(
              policy,
              roundInput(cluster, targets, round, 1, reused.memory),
              reused.states,
              options,
              { workspace },
            );
            expect(actual.decisions).toEqual(expected.decisions);
            expect(actual.states).toEqual(expected.states);
            expect(actual.memory).toEqual(expected.memory);
            fresh = { memory: expected.memory, states: expected.states };
            reused = { memory: actual.memory, states: actual.states };
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it("keeps a round over nothing with a real round's shape, holding no snapshot and no target", () => {
    const cluster = syntheticCluster({
      targets: 5,
      agents: 20,
      skillExpressions: 1,
      rounds: 1,
      policy: 'adaptive',
    });
    const input = roundInput(cluster, cluster.targets, 0, 0, {});
    const empty = {
      ...input,
      nowMs: Number.NaN,
      snapshot: undefined,
      targets: [],
      reports: new Map(),
      memory: {},
    };
    const workspace = new RoundWorkspace('adaptive', { explain: false }, empty);
    const real = prepareObservations(input);
    decideRound('adaptive', input, {}, { explain: false }, { workspace });
    const kept = workspace.keptRound!;
    expect(haveSameV8Shape(kept, real)).toBe(true);
    expect(Object.keys(kept)).toEqual(Object.keys(real));
    expect(kept.input.snapshot).toBeUndefined();
    expect(kept.input.targets).toHaveLength(0);
    // A workspace made without an empty input (decideRound's own, for one round) keeps nothing.
    expect(new RoundWorkspace('adaptive', { explain: false }).keptRound).toBeUndefined();
    // Only an empty input may be kept: one with a snapshot or targets would hold them for the workspace's life.
    expect(() => new RoundWorkspace('adaptive', {}, input)).toThrow(RangeError);
    expect(() => new RoundWorkspace('adaptive', {}, { ...input, snapshot: undefined })).toThrow(/no targets/);
  });

  it('makes a workspace only for a known policy, and it fits only its policy and its options object', () => {
    const options: DecideOptions = { explain: false };
    const workspace = new RoundWorkspace('adaptive', options);
    expect(workspace.fits('adaptive', options)).toBe(true);
    expect(workspace.fits('progressive', options)).toBe(false);
    expect(workspace.fits('adaptive', { explain: false })).toBe(false);
    expect(() => new RoundWorkspace('no-such-policy')).toThrow(/no-such-policy/);
  });
});
