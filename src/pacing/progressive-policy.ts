import { isRecord, type PacingPolicy } from './pacing-policy.js';

/** Stateless policies keep an empty object. */
type EmptyState = Readonly<Record<string, never>>;

/**
 * `progressive`: `k = max(0, F − Q − P)`. Every pending invitation is counted as a future acceptance, so it never
 * overbooks; the safe fallback, at the cost of occupancy when p is low.
 */
export const progressivePolicy: PacingPolicy<EmptyState> = {
  name: 'progressive',
  initialState: () => ({}),
  isState: (value): value is EmptyState => isRecord(value),
  decide(obs, _estimates, state, options) {
    const invites = Math.max(0, Math.floor(obs.freeSlots - obs.waiting - obs.pending));
    return {
      invites,
      state,
      explanation:
        options?.explain === false
          ? 'free slots'
          : `free ${obs.freeSlots.toFixed(1)} − waiting ${obs.waiting} − pending ${obs.pending}`,
    };
  },
  skip: (_obs, state) => state,
};
