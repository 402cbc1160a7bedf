import type { Observation } from './observation.js';
import type { Estimates } from './target-estimators.js';

/** JSON-serialisable data: what learned state may contain. */
export type PlainData =
  number | string | boolean | null | readonly PlainData[] | { readonly [key: string]: PlainData };

/** What a policy returns for one target and interval. */
export interface PolicyDecision<S extends PlainData = PlainData> {
  /** Invitations for the interval before the cap guard (the caller floors and clamps it to ≥ 0). */
  readonly invites: number;
  /** The policy's own learned state for the next interval. */
  readonly state: S;
  /**
   * One sentence saying why, for status, logs and the simulator; without `explain`, a fixed phrase (the mode)
   * instead of one built from the figures.
   */
  readonly explanation: string;
}

/** How a policy is asked to decide. */
export interface DecideOptions {
  /**
   * Build the explanation from the figures (default true). The operator turns it off: it never shows a paced
   * target's explanation, and formatting 10,000 of them cost about a third of a decision round's CPU.
   */
  readonly explain?: boolean;
}

/**
 * A pacing policy: a pure, deterministic function from an observation, the shared estimates and the policy's
 * own learned state to the invitations for the interval. It runs only when no guard fired.
 */
export interface PacingPolicy<S extends PlainData = PlainData> {
  /** Name as selected by `spec.policy` and `--policy`. */
  readonly name: string;
  /** State of a target the policy has never seen. */
  initialState(targetId: string): S;
  /** True when `value` is a state this policy wrote (anything else is replaced by a fresh state). */
  isState(value: unknown): value is S;
  /** Decides the invitations for the interval. */
  decide(obs: Observation, estimates: Estimates, state: S, options?: DecideOptions): PolicyDecision<S>;
  /** Updates the state on an interval where a guard fired (the policy did not decide). */
  skip(obs: Observation, state: S): S;
}

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Number.isFinite, written so that a double read from a field or element is not boxed for the call. */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && value - value === 0;
}

/** True for an array of exactly `length` finite numbers (persisted figure arrays). */
export function isFiniteNumberArray(value: unknown, length: number): value is number[] {
  if (!Array.isArray(value) || value.length !== length) return false;
  for (let i = 0; i < value.length; i++) if (!isFiniteNumber(value[i])) return false;
  return true;
}

/** True when every listed key of `value` holds a finite number. */
export function hasFiniteNumbers(value: unknown, keys: readonly string[]): value is Record<string, number> {
  if (!isRecord(value)) return false;
  // A plain loop, not `every` with a callback: this validates every target's state every round.
  for (let k = 0; k < keys.length; k++) if (!Number.isFinite(value[keys[k]!])) return false;
  return true;
}
