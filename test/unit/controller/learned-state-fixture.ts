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

/** The state with every number multiplied by its own factor (seeded), as if every target had its own history. */
export function jitteredFigures(state: Record<string, unknown>): Record<string, unknown> {
  let seed = 12345;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const jitter = (value: unknown): unknown => {
    if (typeof value === 'number')
      return Number.isInteger(value) ? Math.round(value * (0.5 + next())) : value * (0.5 + next());
    if (Array.isArray(value)) return value.map(jitter);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, jitter(inner)]));
    }
    return value;
  };
  return jitter(state) as Record<string, unknown>;
}
