import { invitesAtRatio } from './fixed-ratio.js';
import { isRecord, type PacingPolicy } from './pacing-policy.js';

type EmptyState = Readonly<Record<string, never>>;

/** The ratio `fixed-ratio` keeps: 1.5 interactions in flight per staffed slot (the reference benchmark's value). */
export const fixedRatioLevel = 1.5;

/** `fixed-ratio`: `k = max(0, round(L·(F+B)) − (B+Q+P))` with L = {@link fixedRatioLevel}. */
export const fixedRatioPolicy: PacingPolicy<EmptyState> = {
  name: 'fixed-ratio',
  initialState: () => ({}),
  isState: (value): value is EmptyState => isRecord(value),
  decide(obs, _estimates, state) {
    return { invites: invitesAtRatio(obs, fixedRatioLevel), state, explanation: `ratio ${fixedRatioLevel}` };
  },
  skip: (_obs, state) => state,
};
