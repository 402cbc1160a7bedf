import { erlangA } from '../../../src/pacing/index.js';
import { ContactCenter, parseScenario, RandomStream, type Scenario } from '../../../src/sim/index.js';

/**
 * The simulator against theory: Poisson invitations that are always accepted at once, exponential handle time
 * and exponential patience make the queue exactly Erlang-A (M/M/n+M). Time is scaled down ten-fold from PACING.md
 * (handle 30 s, patience 6 s) so that each seed sees thousands of arrivals.
 */
const handleSeconds = 30;
const patienceSeconds = 6;
const seeds = 10;
/** Two-sided 95 % Student t quantile for 9 degrees of freedom. */
const t95 = 2.262;

function erlangScenario(slots: number, durationSeconds: number): Scenario {
  return parseScenario({
    name: `erlang-${slots}`,
    durationSeconds,
    warmupSeconds: 600,
    agents: [
      {
        pool: 'agents',
        count: slots,
        capacity: { chat: 1 },
        groups: ['G'],
        handleTime: { chat: { dist: 'exponential', mean: handleSeconds } },
      },
    ],
    targets: [
      {
        name: 'Q - chat',
        media: 'chat',
        agentGroups: [{ group: 'G' }],
        acceptProbability: 1,
        acceptDelay: { dist: 'constant', value: 0 },
        declineDelay: { dist: 'constant', value: 1 },
        expirySeconds: 60,
        patience: { dist: 'exponential', mean: patienceSeconds },
      },
    ],
  });
}

/** One seed: Poisson invitations at `rate`; returns the scored abandonment ratio and occupancy. */
function runSeed(scenario: Scenario, rate: number, seed: number): { abandon: number; occupancy: number } {
  const center = new ContactCenter(scenario, seed, {
    startSeconds: -scenario.warmupSeconds,
    epochMsAtZero: 0,
    recordSeconds: scenario.durationSeconds,
  });
  const arrivals = new RandomStream(seed * 7919 + 13);
  let t = -scenario.warmupSeconds;
  for (;;) {
    t += -Math.log(arrivals.next()) / rate;
    if (t >= scenario.durationSeconds) break;
    center.advanceTo(t);
    center.sendInvites(0, 1);
  }
  center.advanceTo(scenario.durationSeconds);
  const r = center.recorder;
  const sum = (a: Float64Array): number => a.reduce((x, y) => x + y, 0);
  return {
    abandon: sum(r.abandoned[0]!) / sum(r.accepted[0]!),
    occupancy: sum(r.busyAll) / sum(r.staffedAll),
  };
}

function meanAndHalfWidth(values: readonly number[]): { mean: number; halfWidth: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return { mean, halfWidth: (t95 * Math.sqrt(variance)) / Math.sqrt(values.length) };
}

describe('the simulator against Erlang-A', () => {
  it.each([
    // slots, accepted arrivals per second, scored seconds
    [1, 0.5 / handleSeconds, 40 * 3600],
    [10, 9 / handleSeconds, 10 * 3600],
    [100, 96 / handleSeconds, 2 * 3600],
  ])(
    'reproduces abandonment and occupancy with %i slots within the seeds’ 95 %% interval',
    (slots, rate, duration) => {
      const scenario = erlangScenario(slots, duration);
      const runs = Array.from({ length: seeds }, (_, i) => runSeed(scenario, rate, i + 1));
      const theory = erlangA({
        slots,
        arrivalRate: rate,
        serviceRate: 1 / handleSeconds,
        abandonRate: 1 / patienceSeconds,
      });
      const abandon = meanAndHalfWidth(runs.map((r) => r.abandon));
      const occupancy = meanAndHalfWidth(runs.map((r) => r.occupancy));
      expect(Math.abs(abandon.mean - theory.abandonProbability)).toBeLessThanOrEqual(abandon.halfWidth);
      expect(Math.abs(occupancy.mean - theory.occupancy)).toBeLessThanOrEqual(occupancy.halfWidth);
      // The interval must be informative, not so wide that any answer fits.
      expect(abandon.halfWidth).toBeLessThan(0.2 * theory.abandonProbability + 0.002);
      expect(occupancy.halfWidth).toBeLessThan(0.02);
    },
  );
});
