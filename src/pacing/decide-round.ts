import { DecisionRound, type PacingDecision, type TargetState } from './decide-all.js';
import {
  blankObservation,
  observeTarget,
  prepareObservations,
  type ObservationInput,
  type ObservationRound,
} from './observation-builder.js';
import type { AgentIndex } from './agent-group-resolver.js';
import type { CounterMemoryEntry } from './observation.js';
import type { DecideOptions } from './pacing-policy.js';

/** Everything one round decides and carries to the next. */
export interface DecideRoundResult {
  /** One decision per target of the input, in order (only the first `decideCount` when given). */
  readonly decisions: PacingDecision[];
  /** Next learned state per decided target id. */
  readonly states: Record<string, TargetState>;
  /** Counters to pass to the next round, per decided target id. */
  readonly memory: Record<string, CounterMemoryEntry>;
  /** Configuration problems per target id (unparsable skill expressions); absent when none. */
  readonly problems: Readonly<Record<string, readonly string[]>>;
  /** The agent index to hand to the next round (see ObservationInput.agentIndex). */
  readonly agentIndex: AgentIndex | undefined;
}

/**
 * Observes and decides a round in one pass: the same result as {@link decideAll} over
 * {@link buildObservations}, without an observation object per target. Each target is observed into one reused
 * observation and decided at once, so a round of 10,000 targets leaves nothing behind but the decisions and the
 * learned state. Only the first `decideCount` targets are decided (default all); the others take part in the
 * shared-capacity split only (a sharded replica's peers). Throws PacingPolicyError for an unknown policy name.
 */
export function decideRound(
  policyName: string,
  input: ObservationInput,
  states: Readonly<Record<string, unknown>>,
  options: DecideOptions = {},
  decideCount: number = input.targets.length,
): DecideRoundResult {
  const round = new RoundInSlices(policyName, input, states, options, decideCount);
  round.next(round.remaining);
  return round.result();
}

/**
 * {@link decideRound} a slice at a time: the constructor does what concerns every target at once (group
 * resolution, the shared-capacity split), then {@link RoundInSlices.next} decides the next targets in order, so a
 * caller can send the allowances of the first targets while it decides the others. The result is the same.
 */
export class RoundInSlices {
  readonly #decider: DecisionRound;
  readonly #round: ObservationRound;
  readonly #states: Readonly<Record<string, unknown>>;
  readonly #memory: Record<string, CounterMemoryEntry> = {};
  readonly #problems: Record<string, readonly string[]> = {};
  readonly #nextStates: Record<string, TargetState> = {};
  readonly #decisions: PacingDecision[];
  readonly #scratch = blankObservation();
  #decided = 0;

  /** @throws PacingPolicyError for an unknown policy name. */
  constructor(
    policyName: string,
    input: ObservationInput,
    states: Readonly<Record<string, unknown>>,
    options: DecideOptions = {},
    decideCount: number = input.targets.length,
  ) {
    this.#decider = new DecisionRound(policyName, options);
    this.#round = prepareObservations(input);
    this.#states = states;
    this.#decisions = new Array<PacingDecision>(Math.min(decideCount, input.targets.length));
  }

  /** Targets not decided yet. */
  get remaining(): number {
    return this.#decisions.length - this.#decided;
  }

  /** Decides the next `count` targets (fewer at the end) and returns their decisions, in target order. */
  next(count: number): PacingDecision[] {
    const from = this.#decided;
    const to = Math.min(this.#decisions.length, from + Math.max(0, count));
    for (let t = from; t < to; t++) {
      const obs = observeTarget(this.#round, t, this.#memory, this.#problems, this.#scratch);
      this.#decisions[t] = this.#decider.decide(obs, this.#states[obs.targetId], this.#nextStates);
    }
    this.#decided = to;
    return this.#decisions.slice(from, to);
  }

  /** Configuration problems of a target decided so far (unparsable skill expressions), by id. */
  problemsOf(targetId: string): readonly string[] | undefined {
    return this.#problems[targetId];
  }

  /** The round's result; call once every target is decided. */
  result(): DecideRoundResult {
    if (this.remaining > 0) throw new Error(`RoundInSlices: ${this.remaining} targets are not decided yet`);
    return {
      decisions: this.#decisions,
      states: this.#nextStates,
      memory: this.#memory,
      problems: this.#problems,
      agentIndex: this.#round.agentIndex,
    };
  }
}
