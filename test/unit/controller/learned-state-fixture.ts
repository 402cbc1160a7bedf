import { buildObservations, decideAll, type CounterMemory } from '../../../src/pacing/index.js';
import { nextSyntheticRound, syntheticCluster } from '../../../src/sim/decision-speed-benchmark.js';

/**
 * A realistic learned state: what the engine keeps per target (`pacing` from the real decideAll, `counters`
 * from the observation builder) after `rounds` cycles of a synthetic cluster of `targets` targets.
 */
export function realisticLearnedState(targets: number, rounds = 12): Record<string, unknown> {
  const cluster = syntheticCluster({
    targets,
    agents: targets * 5,
    skillExpressions: 10,
    rounds,
    policy: 'adaptive',
  });
  let memory: CounterMemory = {};
  let states: Readonly<Record<string, unknown>> = {};
  for (let round = 0; round < rounds; round++) {
    nextSyntheticRound(cluster, round);
    const observed = buildObservations({
      nowMs: Date.parse(cluster.snapshot.snapshotTime) + 500,
      intervalMs: 2000,
      staleAfterMs: 10_000,
      snapshot: cluster.snapshot,
      targets: cluster.targets,
      reports: cluster.reports,
      memory,
    });
    memory = observed.memory;
    states = decideAll('adaptive', observed.observations, states).states;
  }
  return Object.fromEntries(
    cluster.targets.map((target) => [target.id, { pacing: states[target.id], counters: memory[target.id] }]),
  );
}
