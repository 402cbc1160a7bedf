import { invitesAtRatio } from './fixed-ratio.js';
import { hasFiniteNumbers, type PacingPolicy } from './pacing-policy.js';

/** Learned state of `dialer-adaptive`. */
export interface DialerAdaptiveState {
  readonly [key: string]: number;
  /** Current dial level L (1.0–3.0). */
  readonly level: number;
  /** Sums of the samples since the last level update. */
  readonly sumFree: number;
  readonly sumWaiting: number;
  readonly sumStaffed: number;
  readonly samples: number;
  /** When the level was last updated, ms; 0 before the first sample. */
  readonly lastUpdateMs: number;
}

/** Constants of the classic adaptive dial level (VICIdial-style, written from its public description). */
const dialer = { updateMs: 15_000, maxLevel: 3, minLevel: 1, minAccepted: 50 } as const;

const keys = ['level', 'sumFree', 'sumWaiting', 'sumStaffed', 'samples', 'lastUpdateMs'];

/**
 * `dialer-adaptive`: every 15 s, `L ← L·(1 + (avg F − avg Q) / avg staffed)`, clamped to [1.0, 3.0]; reset to 1.0
 * when the abandonment since the start exceeds the goal after 50 accepted (the HARD_LIMIT variant); feeds the
 * fixed-ratio formula. Samples are the policy's own cycles.
 */
export const dialerAdaptivePolicy: PacingPolicy<DialerAdaptiveState> = {
  name: 'dialer-adaptive',
  initialState: () => ({ level: 1, sumFree: 0, sumWaiting: 0, sumStaffed: 0, samples: 0, lastUpdateMs: 0 }),
  isState: (value): value is DialerAdaptiveState => hasFiniteNumbers(value, keys),
  decide(obs, estimates, state, options) {
    let next: DialerAdaptiveState = {
      ...state,
      sumFree: state.sumFree + obs.freeSlots,
      sumWaiting: state.sumWaiting + obs.waiting,
      sumStaffed: state.sumStaffed + obs.staffedSlots,
      samples: state.samples + 1,
      lastUpdateMs: state.lastUpdateMs === 0 ? obs.nowMs : state.lastUpdateMs,
    };
    if (obs.nowMs - next.lastUpdateMs >= dialer.updateMs) {
      let level = next.level;
      if (next.sumStaffed > 0) level *= 1 + (next.sumFree - next.sumWaiting) / next.sumStaffed;
      level = Math.min(dialer.maxLevel, Math.max(dialer.minLevel, level));
      const isOverGoal =
        estimates.acceptedTotal >= dialer.minAccepted &&
        estimates.abandonedTotal > obs.goalRatio * estimates.acceptedTotal;
      if (isOverGoal) level = dialer.minLevel;
      next = { level, sumFree: 0, sumWaiting: 0, sumStaffed: 0, samples: 0, lastUpdateMs: obs.nowMs };
    }
    return {
      invites: invitesAtRatio(obs, next.level),
      state: next,
      explanation: options?.explain === false ? 'dialled' : `dial level ${next.level.toFixed(2)}`,
    };
  },
  skip: (_obs, state) => state,
};
