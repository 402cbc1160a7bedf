import {
  buildObservations,
  decideRound,
  type AgentInput,
  type CounterMemory,
  type EngagementReportInput,
  type StatsSnapshotInput,
  type TargetInput,
  type VirtualQueueInput,
} from '../pacing/index.js';
import { RandomStream } from './random-stream.js';

/** Size of the synthetic cluster the decision benchmark uses. */
export interface DecisionSpeedOptions {
  readonly targets: number;
  readonly agents: number;
  /** Sales levels used in skill expressions: 10 × this many distinct expressions (one target in 100 has one). */
  readonly skillExpressions: number;
  readonly rounds: number;
  readonly policy: string;
}

/** Timing of one decision round (observation building included), ms. */
export interface DecisionSpeedResult {
  readonly targets: number;
  readonly agents: number;
  readonly policy: string;
  readonly medianMs: number;
  readonly maxMs: number;
  readonly observeMedianMs: number;
}

/** Defaults: the sizes of issue 4 (10,000 targets, 50,000 agents). */
export const defaultDecisionSpeedOptions: DecisionSpeedOptions = {
  targets: 10_000,
  agents: 50_000,
  skillExpressions: 10,
  rounds: 25,
  policy: 'adaptive',
};

/** A synthetic cluster of the given size (deterministic); {@link nextSyntheticRound} moves it one cycle on. */
export interface SyntheticCluster {
  snapshot: StatsSnapshotInput;
  readonly targets: TargetInput[];
  reports: Map<string, EngagementReportInput>;
  /** The agents' per-media states, mutated in place between rounds as a statistics source's would change. */
  readonly chatStates: { state: 'ready' | 'busy' | 'not-ready'; capacity: number; load: number }[];
}

/** Builds the synthetic cluster: agents in two groups each, one target in 100 defined by a skill expression. */
export function syntheticCluster(options: DecisionSpeedOptions): SyntheticCluster {
  const random = new RandomStream(1);
  const groups = Math.max(1, Math.floor(options.targets / 2));
  const agents: AgentInput[] = [];
  const chatStates: SyntheticCluster['chatStates'] = [];
  for (let i = 0; i < options.agents; i++) {
    const load = Math.floor(random.next() * 4);
    const chat = {
      state: load < 3 ? ('ready' as const) : ('busy' as const),
      capacity: 3,
      load: Math.min(3, load),
    };
    chatStates.push(chat);
    agents.push({
      id: `agent-${i}`,
      groups: [`group-${i % groups}`, `group-${(i * 7 + 3) % groups}`],
      skills: { Spanish: i % 10, Sales: (i * 3) % 10 },
      media: { chat },
    });
  }
  const targets: TargetInput[] = [];
  for (let j = 0; j < options.targets; j++) {
    const expression = `Spanish = ${Math.floor(j / 100) % 10} & Sales >= ${Math.floor(j / 1000) % options.skillExpressions}`;
    const agentGroups =
      j % 100 === 0 ? [{ name: 'skilled', skillExpression: expression }] : [{ name: `group-${j % groups}` }];
    targets.push({ id: `vq-${j}:chat`, media: 'chat', goalPercent: 3, agentGroups, paused: false });
  }
  const cluster: SyntheticCluster = {
    snapshot: { snapshotTime: '', agents, virtualQueues: [] },
    targets,
    reports: new Map(),
    chatStates,
  };
  nextSyntheticRound(cluster, 0);
  return cluster;
}

/** Moves the synthetic cluster to round `round`: new loads, counters, reports and snapshot time. */
export function nextSyntheticRound(cluster: SyntheticCluster, round: number): void {
  const random = new RandomStream(round + 7);
  for (const chat of cluster.chatStates) {
    const load = Math.floor(random.next() * 4);
    chat.load = Math.min(3, load);
    chat.state = load < 3 ? 'ready' : 'busy';
  }
  const virtualQueues: VirtualQueueInput[] = [];
  const reports = new Map<string, EngagementReportInput>();
  cluster.targets.forEach((target, j) => {
    const accepted = 1000 * round + j;
    virtualQueues.push({
      name: `vq-${j}`,
      media: 'chat',
      waiting: j % 3,
      acceptedTotal: accepted,
      abandonedTotal: Math.floor(accepted / 40),
      answeredTotal: accepted,
      handleSecondsTotal: accepted * 300,
    });
    reports.set(target.id, {
      id: target.id,
      pending: j % 7,
      sentTotal: 4 * accepted,
      acceptedTotal: accepted,
      declinedTotal: 3 * accepted,
      expiredTotal: 0,
    });
  });
  cluster.snapshot = {
    snapshotTime: new Date(Date.UTC(2026, 0, 5, 8, 0, 2 * round)).toISOString(),
    agents: cluster.snapshot.agents,
    virtualQueues,
  };
  cluster.reports = reports;
}

/**
 * Times whole decision rounds — observation building (group resolution, skill expressions, shared-capacity
 * split, counter deltas) plus the guard chain and policy for every target — on one core. The clock gives ms.
 */
export function measureDecisionSpeed(
  options: DecisionSpeedOptions,
  clock: () => number,
): DecisionSpeedResult {
  let memory: CounterMemory = {};
  let states: Readonly<Record<string, unknown>> = {};
  const totals: number[] = [];
  const observes: number[] = [];
  const cluster = syntheticCluster(options);
  for (let round = 0; round < options.rounds; round++) {
    nextSyntheticRound(cluster, round);
    const nowMs = Date.parse(cluster.snapshot.snapshotTime) + 500;
    const observation = {
      nowMs,
      intervalMs: 2000,
      staleAfterMs: 10_000,
      snapshot: cluster.snapshot,
      targets: cluster.targets,
      reports: cluster.reports,
      memory,
    };
    const start = clock();
    // As the operator decides (src/engine/pacing-room-decider.ts): observed and decided in one pass, without
    // building explanations from figures.
    const decided = decideRound(options.policy, observation, states, { explain: false });
    const end = clock();
    // The observation part alone, for the breakdown: the same input observed again, its result dropped.
    buildObservations(observation);
    const observed = clock();
    memory = decided.memory;
    states = decided.states;
    // The first two rounds warm the JIT and fill the counter memory; they are not timed.
    if (round >= 2) {
      totals.push(end - start);
      observes.push(observed - end);
    }
  }
  const median = (values: number[]): number =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return {
    targets: options.targets,
    agents: options.agents,
    policy: options.policy,
    medianMs: Number(median(totals).toFixed(1)),
    maxMs: Number(Math.max(0, ...totals).toFixed(1)),
    observeMedianMs: Number(median(observes).toFixed(1)),
  };
}
