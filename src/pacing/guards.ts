import type { Observation } from './observation.js';

/** The verdict of a guard that stops a policy: 0 invitations, with a reason. */
export interface GuardVerdict {
  /** PascalCase reason (used in conditions and metrics). */
  readonly reason: 'Paused' | 'StatsStale' | 'NothingStaffed';
  /** Human-readable explanation. */
  readonly message: string;
}

/** A guard: undefined lets the next guard (and finally the policy) decide. */
export type Guard = (obs: Observation) => GuardVerdict | undefined;

/** A paused target sends nothing. */
export function guardPaused(obs: Observation): GuardVerdict | undefined {
  return obs.isPaused ? { reason: 'Paused', message: 'target is paused' } : undefined;
}

/** Stale or missing statistics send nothing: free slots seen long ago may be taken. */
export function guardStaleStatistics(obs: Observation): GuardVerdict | undefined {
  if (!obs.isStale) return undefined;
  const age = Number.isFinite(obs.statsAgeMs) ? `${Math.round(obs.statsAgeMs / 1000)} s old` : 'missing';
  return { reason: 'StatsStale', message: `statistics are ${age}` };
}

/** No staffed slot for the target's media: nobody could answer. */
export function guardNothingStaffed(obs: Observation): GuardVerdict | undefined {
  return obs.staffedSlots > 0
    ? undefined
    : { reason: 'NothingStaffed', message: `no ${obs.media} slot is staffed` };
}

/** The guards in the order they are checked; the first verdict wins. */
export const preDecisionGuards: readonly Guard[] = [guardPaused, guardStaleStatistics, guardNothingStaffed];

/** Runs the guard chain; undefined when the policy may decide. */
export function evaluateGuards(obs: Observation): GuardVerdict | undefined {
  for (const guard of preDecisionGuards) {
    const verdict = guard(obs);
    if (verdict) return verdict;
  }
  return undefined;
}

/** The last guard: a whole, non-negative number of invitations, never above `maxInvitesPerInterval`. */
export function guardCap(obs: Observation, invites: number): { invites: number; isCapped: boolean } {
  const whole = Number.isFinite(invites) ? Math.max(0, Math.floor(invites)) : 0;
  const cap = obs.maxInvitesPerInterval;
  if (cap !== undefined && Number.isFinite(cap) && whole > Math.max(0, Math.floor(cap))) {
    return { invites: Math.max(0, Math.floor(cap)), isCapped: true };
  }
  return { invites: whole, isCapped: false };
}
