import { DecisionRound, type PacingDecision, type TargetState } from './decide-all.js';
import {
  blankObservation,
  observeTarget,
  prepareObservations,
  type ObservationInput,
} from './observation-builder.js';
import type { AgentIndex } from './agent-index.js';
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
  const decider = new DecisionRound(policyName, options);
  const round = prepareObservations(input);
  const memory: Record<string, CounterMemoryEntry> = {};
  const problems: Record<string, readonly string[]> = {};
  const nextStates: Record<string, TargetState> = {};
  const count = Math.min(decideCount, input.targets.length);
  const decisions = new Array<PacingDecision>(count);
  const scratch = blankObservation();
  for (let t = 0; t < count; t++) {
    const obs = observeTarget(round, t, memory, problems, scratch);
    decisions[t] = decider.decide(obs, states[obs.targetId], nextStates);
  }
  return { decisions, states: nextStates, memory, problems, agentIndex: round.agentIndex };
}
