import { DecisionRound, type PacingDecision, type TargetState } from './decide-all.js';
import {
  blankObservation,
  observeTarget,
  prepareObservations,
  type ObservationInput,
  type ObservationRound,
  type ObservationSlot,
} from './observation-builder.js';
import type { AgentIndex } from './agent-index.js';
import type { CounterMemoryEntry } from './observation.js';
import type { DecideOptions } from './pacing-policy.js';

/**
 * What a round leaves for the next one by target index: a next round over the same targets in the same order
 * reads each target's counters and state from here instead of looking its id up in two 10,000-key records.
 * Valid only when the round's target ids were unique: with an id repeated, the records (where the last target of
 * that id wins) are what the next round must read, so a caller must not pass the carry on then.
 */
export interface RoundCarry {
  /** The decided targets' ids, in order. */
  readonly ids: readonly string[];
  /** Each decided target's counter memory, by index. */
  readonly memory: readonly CounterMemoryEntry[];
  /** Each decided target's next learned state, by index. */
  readonly states: readonly TargetState[];
}

/** Everything one round decides and carries to the next. */
export interface DecideRoundResult {
  /** One decision per target of the input, in order (only the first `decideCount` when given). */
  readonly decisions: PacingDecision[];
  /** Next learned state per decided target id (built on first read from {@link carry}). */
  readonly states: Record<string, TargetState>;
  /** Counters to pass to the next round, per decided target id (built on first read from {@link carry}). */
  readonly memory: Record<string, CounterMemoryEntry>;
  /** The same states and counters by target index, for the next round (see {@link RoundCarry}). */
  readonly carry: RoundCarry;
  /** Configuration problems per target id (unparsable skill expressions); absent when none. */
  readonly problems: Readonly<Record<string, readonly string[]>>;
  /** The agent index to hand to the next round (see ObservationInput.agentIndex). */
  readonly agentIndex: AgentIndex | undefined;
}

/** Which targets a round decides, what it may read by index instead of by id, and what it may reuse. */
export interface DecideRoundScope {
  /** Only the first `decideCount` targets are decided (default all); the others take part in the split only. */
  readonly decideCount?: number | undefined;
  /** The previous round's carry; used when its ids are the decided targets' ids in order, else ignored. */
  readonly carry?: RoundCarry | undefined;
  /** Used when made for this round's policy name and this very options object, else a fresh one is. */
  readonly workspace?: RoundWorkspace | undefined;
}

/**
 * What consecutive rounds of one policy and one options object can share: the decider with its scratch estimates
 * and decay factors, and the scratch observation. Reusing them gives exactly the results fresh ones give (each
 * target overwrites them whole). A caller that decides every few seconds keeps one: its objects then outlive the
 * round, and a memory-reducing collection between rounds (the operator's idle collection) no longer clears the
 * object shapes that the optimised decision code embeds. A cleared shape throws that code away, and the next
 * round of 10,000 targets decided 40–60 ms slower, unoptimised (docs/performance.md, twenty-second pass). For the
 * same reason, given an empty input, it keeps {@link keptRound}, a round over nothing, for its shape and its input's.
 */
export class RoundWorkspace {
  /** The decider every round of this workspace decides with. */
  readonly decider: DecisionRound;
  /** The one observation each target is observed into. */
  readonly scratch: ObservationSlot = blankObservation();
  /**
   * A round prepared over the constructor's `emptyInput`, kept for its shape only: every round is built by the
   * same object literal, and nothing else keeps a round (nor, usually, its input) between rounds, so a
   * memory-reducing collection would drop both shapes and the observation code optimised for them
   * (docs/performance.md, twenty-ninth pass). It holds no snapshot. Undefined without `emptyInput`: a workspace
   * made for one round (decideRound's own) has nothing to keep.
   */
  readonly keptRound: ObservationRound | undefined;

  /**
   * `emptyInput`, for a workspace kept across rounds: an input with no snapshot and no targets, built by the same
   * object literal as the caller's inputs, with a double (NaN) in each number field so that later inputs keep its
   * shape. Throws PacingPolicyError for an unknown policy name, RangeError for an input that is not empty.
   */
  constructor(
    readonly policyName: string,
    readonly options: DecideOptions = {},
    emptyInput?: ObservationInput,
  ) {
    this.decider = new DecisionRound(policyName, options);
    if (emptyInput !== undefined && (emptyInput.snapshot !== undefined || emptyInput.targets.length > 0)) {
      throw new RangeError('RoundWorkspace: emptyInput must have no snapshot and no targets');
    }
    this.keptRound = emptyInput && prepareObservations(emptyInput);
  }

  /** True when this workspace was made for `policyName` and this very `options` object. */
  fits(policyName: string, options: DecideOptions): boolean {
    return this.policyName === policyName && this.options === options;
  }
}

/**
 * Observes and decides a round in one pass: the same result as {@link decideAll} over
 * {@link buildObservations}, without an observation object per target. Each target is observed into one reused
 * observation and decided at once, so a round of 10,000 targets leaves nothing behind but the decisions and the
 * learned state. Only the first `scope.decideCount` targets are decided (default all); the others take part in the
 * shared-capacity split only (a sharded replica's peers). A fitting `scope.carry` is read instead of
 * `input.memory` and `states`, and a fitting `scope.workspace` reused, with the same result. Throws
 * PacingPolicyError for an unknown policy name.
 */
export function decideRound(
  policyName: string,
  input: ObservationInput,
  states: Readonly<Record<string, unknown>>,
  options: DecideOptions = {},
  scope: DecideRoundScope = {},
): DecideRoundResult {
  const workspace = scope.workspace?.fits(policyName, options)
    ? scope.workspace
    : new RoundWorkspace(policyName, options);
  const { decider, scratch } = workspace;
  const round = prepareObservations(input);
  const problems: Record<string, readonly string[]> = {};
  const count = Math.min(scope.decideCount ?? input.targets.length, input.targets.length);
  const carried =
    scope.carry !== undefined && carryFits(scope.carry, input.targets, count) ? scope.carry : undefined;
  const ids = new Array<string>(count);
  const memory = new Array<CounterMemoryEntry>(count);
  const nextStates = new Array<TargetState>(count);
  const decisions = new Array<PacingDecision>(count);
  for (let t = 0; t < count; t++) {
    const id = input.targets[t]!.id;
    ids[t] = id;
    memory[t] = observeTarget(round, t, carried ? carried.memory[t] : input.memory[id], problems, scratch);
    decisions[t] = decider.decideOne(scratch, carried ? carried.states[t] : states[id]);
    nextStates[t] = decider.lastState;
  }
  const carry: RoundCarry = { ids, memory, states: nextStates };
  return lazyRecords(carry, { decisions, carry, problems, agentIndex: round.agentIndex });
}

/** True when `carry` was left by a round that decided the first `count` of `targets`: the same ids in order. */
export function carryFits(
  carry: RoundCarry,
  targets: readonly { readonly id: string }[],
  count: number,
): boolean {
  if (carry.ids.length !== count || targets.length < count) return false;
  for (let t = 0; t < count; t++) if (carry.ids[t] !== targets[t]!.id) return false;
  return true;
}

/** `rest` with `states` and `memory` records built from `carry` when first read (the operator never reads them). */
function lazyRecords(
  carry: RoundCarry,
  rest: Omit<DecideRoundResult, 'states' | 'memory'>,
): DecideRoundResult {
  let states: Record<string, TargetState> | undefined;
  let memory: Record<string, CounterMemoryEntry> | undefined;
  return {
    ...rest,
    get states(): Record<string, TargetState> {
      return (states ??= recordOf(carry.ids, carry.states));
    },
    get memory(): Record<string, CounterMemoryEntry> {
      return (memory ??= recordOf(carry.ids, carry.memory));
    },
  };
}

/** `values` by `ids` (the last of a repeated id wins, as record writes in round order would). */
function recordOf<T>(ids: readonly string[], values: readonly T[]): Record<string, T> {
  const record: Record<string, T> = {};
  for (let i = 0; i < ids.length; i++) record[ids[i]!] = values[i]!;
  return record;
}
