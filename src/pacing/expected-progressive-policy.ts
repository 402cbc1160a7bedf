import { isRecord, type PacingPolicy } from './pacing-policy.js';

type EmptyState = Readonly<Record<string, never>>;

/**
 * `expected-progressive`: `k = max(0, ⌊(F − Q − p̂·P) / p̂⌋)`: fills every free slot in expectation, which
 * overbooks whenever acceptances bunch up (it breaks a 3 % goal on small groups).
 */
export const expectedProgressivePolicy: PacingPolicy<EmptyState> = {
  name: 'expected-progressive',
  initialState: () => ({}),
  isState: (value): value is EmptyState => isRecord(value),
  decide(obs, estimates, state, options) {
    const p = estimates.p;
    const invites = Math.max(0, Math.floor((obs.freeSlots - obs.waiting - p * obs.pending) / p));
    return {
      invites,
      state,
      explanation:
        options?.explain === false
          ? 'expected free slots'
          : `expected free ${(obs.freeSlots - obs.waiting - p * obs.pending).toFixed(2)} at p̂ ${p.toFixed(3)}`,
    };
  },
  skip: (_obs, state) => state,
};
