import {
  buildObservations,
  decideAll,
  type AgentIndex,
  type CounterMemoryEntry,
  type EngagementReportInput,
  type TargetInput,
} from '../pacing/index.js';
import type { LearnedState } from './learned-state.js';
import type { DecisionInput, DecisionOutput, PacingDecider, TargetDecision } from './pacing-decider.js';
import type { TargetConfig } from './target-config.js';

/** What the engine keeps per target between cycles: the policy's state and the counters for deltas. */
interface StoredTargetState {
  readonly pacing?: unknown;
  readonly counters?: CounterMemoryEntry | undefined;
}

/**
 * The production {@link PacingDecider}: src/pacing's observation builder (group resolution, shared-capacity
 * split, counter deltas) and `decideAll` (estimators, guard chain, policy, cap) — the same code the simulator
 * and the benchmark score. The learned state per target holds both the policy state and the counter memory,
 * so a new leader continues the deltas instead of losing one interval of counts.
 */
export class PacingRoomDecider implements PacingDecider {
  /**
   * Each target's pacing input, by its config object: the registry keeps a target's config until its spec
   * changes, so 10,000 inputs are not rebuilt every cycle. Weak, so a replaced config drops its input.
   */
  readonly #inputs = new WeakMap<TargetConfig, TargetInput>();
  /** The last round's agent-id index: snapshots usually list the same agents in the same order. */
  #agentIndex: AgentIndex | undefined;

  /** Decides one interval for every target. */
  decide(input: DecisionInput): DecisionOutput {
    const memory: Record<string, CounterMemoryEntry> = {};
    const states: Record<string, unknown> = {};
    const learnedIn = input.learnedState;
    // for…in, not Object.entries: no [key, value] pair per target per cycle.
    for (const id in learnedIn) {
      const stored = asStored(learnedIn[id]);
      if (stored.counters !== undefined) memory[id] = stored.counters;
      if (stored.pacing !== undefined) states[id] = stored.pacing;
    }
    const peers = input.capacityPeers ?? [];
    // Peers are observed too, so that every replica splits a shared agent the same way; only ours are decided.
    const targetInputs = new Array<TargetInput>(input.targets.length + peers.length);
    for (let i = 0; i < input.targets.length; i++) targetInputs[i] = this.#inputOf(input.targets[i]!);
    for (let i = 0; i < peers.length; i++) targetInputs[input.targets.length + i] = this.#inputOf(peers[i]!);
    const observed = buildObservations({
      nowMs: input.nowMs,
      intervalMs: input.intervalMs,
      // The engine already refused stale snapshots; the builder's own check must not disagree with it.
      staleAfterMs: Number.POSITIVE_INFINITY,
      snapshot: input.snapshot,
      targets: targetInputs,
      // The wire report is the builder's report input as it is: read, never copied.
      reports: input.reports satisfies ReadonlyMap<string, EngagementReportInput>,
      memory,
      agentIndex: this.#agentIndex,
    });
    this.#agentIndex = observed.agentIndex;
    const decided = decideAll(
      input.policy,
      peers.length === 0 ? observed.observations : observed.observations.slice(0, input.targets.length),
      states,
      // The operator never shows a paced target's explanation (its Pacing condition has a fixed message), and
      // formatting 10,000 of them took about a third of the round's CPU: the policies give their mode instead.
      { explain: false },
    );
    const learned: Record<string, unknown> = {};
    for (const target of input.targets) {
      learned[target.id] = { pacing: decided.states[target.id], counters: observed.memory[target.id] };
    }
    const targets = decided.decisions.map((decision): TargetDecision => {
      const problems = observed.problems[decision.targetId];
      return {
        id: decision.targetId,
        invites: problems === undefined ? decision.invites : 0,
        reason: problems === undefined ? decision.reason : 'InvalidSkillExpression',
        message: problems === undefined ? decision.message : problems.join('; '),
        figures: decision.figures,
      };
    });
    return { targets, learnedState: learned satisfies LearnedState };
  }

  #inputOf(target: TargetConfig): TargetInput {
    let known = this.#inputs.get(target);
    if (known === undefined) {
      known = toTargetInput(target);
      this.#inputs.set(target, known);
    }
    return known;
  }
}

function asStored(value: unknown): StoredTargetState {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const record = value as Record<string, unknown>;
  const counters = record['counters'];
  return {
    pacing: record['pacing'],
    counters:
      typeof counters === 'object' && counters !== null && 'statsTimeMs' in counters
        ? (counters as CounterMemoryEntry)
        : undefined,
  };
}

function toTargetInput(target: TargetConfig): TargetInput {
  return {
    id: target.id,
    virtualQueue: target.virtualQueue,
    media: target.media,
    goalPercent: target.optimizationGoalPercent,
    agentGroups: target.groups.map((g) => ({
      name: g.name,
      agents: g.agents,
      skillExpression: g.skillExpression,
    })),
    maxInvitesPerInterval: target.maxInvitesPerInterval,
    paused: target.isPaused,
  };
}
