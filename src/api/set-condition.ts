import type { Condition, ConditionStatus } from './condition.js';

/** What a caller decides about one condition; the setter adds the bookkeeping fields. */
export interface ConditionUpdate<TType extends string = string, TReason extends string = string> {
  readonly type: TType;
  readonly status: ConditionStatus;
  readonly reason: TReason;
  readonly message: string;
}

/** The object generation the update was computed for, and the injected current time. */
export interface ConditionContext {
  /** metadata.generation of the object the decision was made for. */
  readonly observedGeneration: number;
  /** Current time, from the injected Clock. */
  readonly now: Date;
}

/** The second last formatted and its text: a cycle stamps thousands of targets with the same second. */
let lastSecond = Number.NaN;
let lastSecondText = '';

/** Formats a time as metav1.Time does (RFC 3339, whole seconds, UTC), so writes compare equal to reads. */
export function formatConditionTime(time: Date): string {
  const second = Math.floor(time.getTime() / 1000);
  if (second !== lastSecond) {
    lastSecondText = `${time.toISOString().slice(0, 19)}Z`;
    lastSecond = second;
  }
  return lastSecondText;
}

/**
 * Sets one condition in a list and returns a new list (or the same one, unchanged); the input is never mutated. The one setter for every
 * kind (PacingCluster and PacingTarget pass their own type and reason enums). Three cases:
 * - no condition of this type yet: appended, with lastTransitionTime = now;
 * - same status as before: reason, message and observedGeneration are updated, lastTransitionTime is kept;
 * - status flipped: every field is replaced and lastTransitionTime = now.
 * When nothing differs the input list itself is returned, so a caller can skip the status write by identity.
 */
export function setCondition<TType extends string, TReason extends string>(
  conditions: readonly Condition[] | undefined,
  update: ConditionUpdate<TType, TReason>,
  context: ConditionContext,
): Condition[] {
  const list = conditions ?? [];
  const existing = list.find((condition) => condition.type === update.type);
  // Nothing to change: the same list comes back, so callers can tell "unchanged" by identity, without
  // serialising (the status book applies this to every target every cycle).
  if (
    conditions !== undefined &&
    existing !== undefined &&
    existing.status === update.status &&
    existing.reason === update.reason &&
    existing.message === update.message &&
    existing.observedGeneration === context.observedGeneration
  )
    return conditions as Condition[];
  const lastTransitionTime =
    existing !== undefined && existing.status === update.status
      ? existing.lastTransitionTime
      : formatConditionTime(context.now);
  const next: Condition = {
    type: update.type,
    status: update.status,
    observedGeneration: context.observedGeneration,
    lastTransitionTime,
    reason: update.reason,
    message: update.message,
  };
  // concat, not spread: a spread list is grown push by push and keeps room for 17 (the status book holds one
  // list per target).
  if (existing === undefined) return list.concat(next);
  return list.map((condition) => (condition.type === update.type ? next : condition));
}

/** The condition of this type, or undefined when the list has none. */
export function findCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((condition) => condition.type === type);
}
