import fc from 'fast-check';
import {
  buildObservations,
  decideAll,
  decideRound,
  policyNames,
  type CounterMemory,
  type ObservationInput,
  type TargetInput,
} from '../../../src/pacing/index.js';
import { nextSyntheticRound, syntheticCluster } from '../../../src/sim/decision-speed-benchmark.js';

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
              decideCount,
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
});
