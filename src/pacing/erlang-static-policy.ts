import { erlangAArrivalRateForGoal } from './erlang-a.js';
import { hasFiniteNumbers, type PacingPolicy } from './pacing-policy.js';
import { hashString, nextRandom } from './seeded-random.js';

/** Learned state of `erlang-static`. */
export interface ErlangStaticState {
  readonly [key: string]: number;
  /** The generator state of the Poisson draws. */
  readonly random: number;
  /** Inputs the cached rate was computed for (slots, handle s, patience s, goal), rounded. */
  readonly slots: number;
  readonly handleSeconds: number;
  readonly patienceSeconds: number;
  readonly goalRatio: number;
  /** Cached Erlang-A arrival rate λ* (accepted per second) for those inputs. */
  readonly acceptedRate: number;
}

const keys = ['random', 'slots', 'handleSeconds', 'patienceSeconds', 'goalRatio', 'acceptedRate'];

/** Rounds to 2 significant digits so that estimator noise does not recompute Erlang-A every cycle. */
function coarse(value: number): number {
  return Number(value.toPrecision(2));
}

/**
 * `erlang-static`: Poisson invitations at rate λ* ÷ p̂, where λ* is the accepted rate at which Erlang-A (staffed
 * slots, estimated handle time and patience) just meets the goal. Open loop: it ignores free slots, the queue
 * and pending invitations — the anchor that shows what feedback buys.
 */
export const erlangStaticPolicy: PacingPolicy<ErlangStaticState> = {
  name: 'erlang-static',
  initialState: (targetId) => ({
    random: hashString(targetId),
    slots: 0,
    handleSeconds: 0,
    patienceSeconds: 0,
    goalRatio: 0,
    acceptedRate: 0,
  }),
  isState: (value): value is ErlangStaticState => hasFiniteNumbers(value, keys),
  decide(obs, estimates, state, options) {
    const slots = Math.max(1, Math.round(obs.staffedSlots));
    const handleSeconds = coarse(estimates.handleSeconds);
    const patienceSeconds = coarse(estimates.patienceSeconds);
    let next = state;
    if (
      slots !== state.slots ||
      handleSeconds !== state.handleSeconds ||
      patienceSeconds !== state.patienceSeconds ||
      obs.goalRatio !== state.goalRatio
    ) {
      const acceptedRate = erlangAArrivalRateForGoal(
        slots,
        1 / handleSeconds,
        1 / patienceSeconds,
        obs.goalRatio,
      );
      next = { ...state, slots, handleSeconds, patienceSeconds, goalRatio: obs.goalRatio, acceptedRate };
    }
    // Poisson draw by inversion: mean λ* ÷ p̂ × interval.
    const mean = (next.acceptedRate / estimates.p) * (obs.intervalMs / 1000);
    let random = next.random;
    const draw = nextRandom(random);
    random = draw.state;
    let k = 0;
    if (mean > 500) {
      // exp(−mean) would underflow; a normal draw (Box–Muller with a second uniform) is exact enough there.
      const second = nextRandom(random);
      random = second.state;
      const z = Math.sqrt(-2 * Math.log(Math.max(draw.value, 1e-12))) * Math.cos(2 * Math.PI * second.value);
      k = Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
    } else {
      let term = Math.exp(-mean);
      let cumulative = term;
      while (draw.value > cumulative && k < 10_000) {
        k += 1;
        term *= mean / k;
        cumulative += term;
      }
    }
    next = { ...next, random };
    return {
      invites: k,
      state: next,
      explanation:
        options?.explain === false
          ? 'Poisson draw'
          : `Poisson at ${(mean / Math.max(obs.intervalMs / 1000, 1e-9)).toFixed(3)}/s for λ* ${next.acceptedRate.toFixed(4)}/s`,
    };
  },
  skip: (_obs, state) => state,
};
