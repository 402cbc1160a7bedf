import {
  carryFits,
  decideRound,
  RoundWorkspace,
  type AgentIndex,
  type CounterMemory,
  type DecideOptions,
  type CounterMemoryEntry,
  type EngagementReportInput,
  type ObservationInput,
  type RoundCarry,
  type StatsSnapshotInput,
  type TargetInput,
} from '../pacing/index.js';
import { isPlainObject } from '../api/protocol/index.js';
import type { LearnedState } from './learned-state.js';
import type { DecisionInput, DecisionOutput, PacingDecider, TargetDecision } from './pacing-decider.js';
import type { TargetConfig } from './target-config.js';

/**
 * The production {@link PacingDecider}: src/pacing's `decideRound` (group resolution, shared-capacity split,
 * counter deltas, then estimators, guard chain, policy and cap, one target at a time) — the same code the
 * simulator and the benchmark score. The learned state per target holds both the policy state and the counter memory,
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
  /**
   * What each learned state this decider returned was built from, by target index: when the worker passes such
   * an object back (the usual case; sharded, one per shard) over the same targets in the same order, the next
   * round reads every target's counters and policy state by index, and 10,000 entries are neither split apart
   * nor looked up by id again. Weak: a state the worker replaced drops its carry.
   */
  readonly #carries = new WeakMap<LearnedState, RoundCarry>();
  /** The rounds' shared decider and scratch, kept between cycles (see RoundWorkspace); replaced with the policy. */
  #workspace: RoundWorkspace | undefined;

  /** Decides one interval for every target. */
  decide(input: DecisionInput): DecisionOutput {
    const peers = input.capacityPeers ?? [];
    // Peers are observed too, so that every replica splits a shared agent the same way; only ours are decided.
    const targetInputs = new Array<TargetInput>(input.targets.length + peers.length);
    for (let i = 0; i < input.targets.length; i++) targetInputs[i] = this.#inputOf(input.targets[i]!);
    for (let i = 0; i < peers.length; i++) targetInputs[input.targets.length + i] = this.#inputOf(peers[i]!);
    const carry = this.#carries.get(input.learnedState);
    // decideRound ignores a carry that does not fit the targets, and then reads the records: split them only then.
    const fits = carry !== undefined && carryFits(carry, targetInputs, input.targets.length);
    const { memory, states } = fits ? NOTHING_SPLIT : splitLearnedState(input.learnedState);
    if (this.#workspace?.fits(input.policy, DECIDE_OPTIONS) !== true) {
      this.#workspace = new RoundWorkspace(input.policy, DECIDE_OPTIONS, EMPTY_ROUND_INPUT);
    }
    const round = decideRound(
      input.policy,
      roundInput(
        input.nowMs,
        input.intervalMs,
        input.snapshot,
        targetInputs,
        // The wire report is the builder's report input as it is: read, never copied.
        input.reports,
        memory,
        this.#agentIndex,
      ),
      states,
      DECIDE_OPTIONS,
      { decideCount: input.targets.length, carry: fits ? carry : undefined, workspace: this.#workspace },
    );
    this.#agentIndex = round.agentIndex;
    const learned: Record<string, unknown> = {};
    const targets = new Array<TargetDecision>(round.decisions.length);
    const problemsById = hasAny(round.problems) ? round.problems : undefined;
    let isIdRepeated = false;
    for (let i = 0; i < round.decisions.length; i++) {
      const decision = round.decisions[i]!;
      const id = decision.targetId;
      isIdRepeated ||= learned[id] !== undefined;
      learned[id] = { pacing: round.carry.states[i], counters: round.carry.memory[i] };
      const problems = problemsById?.[id];
      targets[i] = {
        id,
        invites: problems === undefined ? decision.invites : 0,
        reason: problems === undefined ? decision.reason : 'InvalidSkillExpression',
        message: problems === undefined ? decision.message : problems.join('; '),
        figures: decision.figures,
      };
    }
    // Two targets of one id share one entry of the learned record (the last wins), so the next round must read
    // the record as the index carry cannot say which of them it is: no carry then (see RoundCarry).
    if (!isIdRepeated) this.#carries.set(learned, round.carry);
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

/**
 * A decision round's input. One object literal for every round and for {@link EMPTY_ROUND_INPUT}, so that they
 * share one shape, which the workspace keeps alive between rounds (RoundWorkspace.keptRound).
 */
export function roundInput(
  nowMs: number,
  intervalMs: number,
  snapshot: StatsSnapshotInput | undefined,
  targets: readonly TargetInput[],
  reports: ReadonlyMap<string, EngagementReportInput>,
  memory: CounterMemory,
  agentIndex: AgentIndex | undefined,
): ObservationInput {
  return {
    nowMs,
    intervalMs,
    // The engine already refused stale snapshots; the builder's own check must not disagree with it.
    staleAfterMs: Number.POSITIVE_INFINITY,
    snapshot,
    targets,
    reports,
    memory,
    agentIndex,
  };
}

/** A round input with nothing in it and NaN times, which later inputs' numbers fit without a new shape. */
export const EMPTY_ROUND_INPUT: ObservationInput = roundInput(
  Number.NaN,
  Number.NaN,
  undefined,
  [],
  new Map(),
  {},
  undefined,
);

/**
 * The operator never shows a paced target's explanation (its Pacing condition has a fixed message), and formatting
 * 10,000 of them took about a third of the round's CPU: the policies give their mode instead. One object, so that
 * the decider's workspace fits every round.
 */
const DECIDE_OPTIONS: DecideOptions = { explain: false };

/** A learned state taken apart into what decideRound reads: counter memory and policy states by target id. */
interface SplitState {
  readonly memory: Readonly<Record<string, CounterMemoryEntry>>;
  readonly states: Readonly<Record<string, unknown>>;
}

/** The records handed to decideRound when it reads a carry instead. */
const NOTHING_SPLIT: SplitState = { memory: {}, states: {} };

/** True when `record` has an own key. */
function hasAny(record: Readonly<Record<string, unknown>>): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
}

/** Splits each target's stored state into its counters and its policy state; unreadable entries are left out. */
function splitLearnedState(learned: LearnedState): SplitState {
  const memory: Record<string, CounterMemoryEntry> = {};
  const states: Record<string, unknown> = {};
  // for…in, not Object.entries: no [key, value] pair per target per cycle.
  for (const id in learned) {
    const stored = learned[id];
    const counters = countersOf(stored);
    if (counters !== undefined) memory[id] = counters;
    const pacing = pacingOf(stored);
    if (pacing !== undefined) states[id] = pacing;
  }
  return { memory, states };
}

/** The policy's part of a target's stored state (undefined when the entry is not a stored state). */
function pacingOf(value: unknown): unknown {
  return isPlainObject(value) ? value['pacing'] : undefined;
}

/** The counter memory of a target's stored state, when it holds one. */
function countersOf(value: unknown): CounterMemoryEntry | undefined {
  if (!isPlainObject(value)) return undefined;
  const counters = value['counters'];
  return typeof counters === 'object' && counters !== null && 'statsTimeMs' in counters
    ? (counters as CounterMemoryEntry)
    : undefined;
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
