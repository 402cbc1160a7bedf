import {
  checkAdaptive,
  loadScenarioFile,
  parseScenario,
  pairedDifference,
  rollingHourMaxPercent,
  runPolicies,
  seedOccupancyPercent,
} from '../../../src/sim/index.js';

const clock = (): number => 0;

/** Two hours of the steady scenario: short enough for a unit test, long enough to have events. */
const short = () => {
  const steady = loadScenarioFile('test/bench/scenarios/steady-chat-10.yaml');
  return parseScenario({ ...steady, durationSeconds: 7200, warmupSeconds: 600 });
};

describe('the benchmark figures', () => {
  it('prints exactly the fields of the contract in PACING.md for a single-target scenario', () => {
    const [result] = runPolicies(short(), ['progressive'], 2, clock);
    expect(Object.keys(result!.summary).sort()).toEqual(
      [
        'scenario',
        'policy',
        'seeds',
        'abandonmentPercent',
        'abandonmentPercentWorstSeed',
        'rollingHourMaxPercent',
        'occupancyPercent',
        'acceptedPerHour',
        'invitesPerHour',
        'meanWaitSeconds',
        'excessAbandonedAfterShocks',
        'wallSeconds',
      ].sort(),
    );
    expect(result!.summary).toMatchObject({ scenario: 'steady-chat-10', policy: 'progressive', seeds: 2 });
    // Progressive never overbooks: nothing can wait long enough to abandon.
    expect(result!.summary.abandonmentPercent).toBe(0);
    expect(result!.summary.occupancyPercent).toBeGreaterThan(60);
  });

  it('adds per-target figures when a scenario has several targets', () => {
    const shared = loadScenarioFile('test/bench/scenarios/shared-blended-reactive.yaml');
    const [result] = runPolicies(
      parseScenario({ ...shared, durationSeconds: 3600 }),
      ['progressive'],
      1,
      clock,
    );
    expect(result!.summary.targets?.map((t) => t.name)).toEqual(['Sales - chat', 'Support - chat']);
  });

  it('reproduces the same figures for the same seed and policy', () => {
    const scenario = short();
    const first = runPolicies(scenario, ['adaptive'], 1, clock)[0]!.summary;
    const second = runPolicies(scenario, ['adaptive'], 1, clock)[0]!.summary;
    expect(second).toEqual(first);
  });

  it.each([
    ['an hour with 3 of 100 abandoned', [100], [3], 3],
    [
      'the worst of several windows',
      [...Array(60).fill(1), ...Array(60).fill(2)],
      [...Array(60).fill(0), ...Array(60).fill(0.1)],
      5,
    ],
    ['no accepted interactions', [0, 0], [0, 0], 0],
  ])('takes the rolling-hour maximum over %s', (_name, accepted, abandoned, percent) => {
    expect(rollingHourMaxPercent(Float64Array.from(accepted), Float64Array.from(abandoned))).toBeCloseTo(
      percent,
      9,
    );
  });

  it('flags adaptive when a policy meeting the goal has higher occupancy', () => {
    const scenario = short();
    const summary = (policy: string, abandonmentPercent: number, occupancyPercent: number) => ({
      ...runPolicies(scenario, ['progressive'], 1, clock)[0]!.summary,
      policy,
      abandonmentPercent,
      occupancyPercent,
    });
    const checks = checkAdaptive(
      { scenario, summaries: [summary('adaptive', 2.5, 85), summary('progressive', 0, 88)] },
      92,
    );
    expect(checks.find((c) => c.check.startsWith('highest occupancy'))!.isMet).toBe(false);
    expect(checks.find((c) => c.check.startsWith('shift abandonment'))!.isMet).toBe(true);
  });

  it('adds the paired difference over the seeds when adaptive trails, and keeps the strict verdict', () => {
    const scenario = short();
    const summary = (policy: string, occupancyPercent: number) => ({
      ...runPolicies(scenario, ['progressive'], 1, clock)[0]!.summary,
      policy,
      abandonmentPercent: 0.5,
      occupancyPercent,
    });
    const summaries = [summary('adaptive', 59.1), summary('expected-progressive', 59.2)];
    const highest = (occupancyBySeed: Map<string, number[]>) =>
      checkAdaptive({ scenario, summaries, occupancyBySeed }, 92).find((c) =>
        c.check.startsWith('highest occupancy'),
      )!;
    const noise = highest(
      new Map([
        ['adaptive', [59.0, 59.3, 58.9, 59.2]],
        ['expected-progressive', [59.2, 59.1, 59.1, 59.3]],
      ]),
    );
    expect(noise.isMet).toBe(false);
    expect(noise.detail).toMatch(
      /expected-progressive 59\.2 % \(paired over 4 seeds: −0\.08 pp, 95 % interval −0\.\d\d … \+0\.\d\d: not distinguishable from 0\)$/,
    );
    const gap = highest(
      new Map([
        ['adaptive', [58.0, 58.1, 58.2, 58.0]],
        ['expected-progressive', [59.0, 59.2, 59.1, 59.1]],
      ]),
    );
    expect(gap.detail).toContain('a real gap');
    expect(highest(new Map()).detail).toBe(
      'adaptive 59.1 %; best other compliant: expected-progressive 59.2 %',
    );
  });

  it("gives each seed's occupancy, which the summary averages by slot time", () => {
    const [result] = runPolicies(short(), ['progressive'], 2, clock);
    const bySeed = result!.runs.map(seedOccupancyPercent);
    expect(bySeed).toHaveLength(2);
    for (const occupancy of bySeed) expect(occupancy).toBeGreaterThan(60);
    // Both seeds staff the same agents for the same time, so the summary is their plain mean.
    expect(result!.summary.occupancyPercent).toBeCloseTo((bySeed[0]! + bySeed[1]!) / 2, 1);
  });
});

describe('pairedDifference', () => {
  it("gives the mean difference and Student's t interval", () => {
    // Differences 1, 2, 3: mean 2, sd 1, t(2 df) = 4.303, half width 4.303 / √3.
    const paired = pairedDifference([11, 12, 13], [10, 10, 10])!;
    expect(paired.pairs).toBe(3);
    expect(paired.mean).toBeCloseTo(2, 12);
    expect(paired.low).toBeCloseTo(2 - 4.303 / Math.sqrt(3), 9);
    expect(paired.high).toBeCloseTo(2 + 4.303 / Math.sqrt(3), 9);
  });

  it('uses the normal quantile past 31 pairs and has no interval for fewer than two', () => {
    const a = Array.from({ length: 40 }, (_, i) => i % 2);
    const paired = pairedDifference(a, new Array<number>(40).fill(0))!;
    const sd = Math.sqrt((40 * 0.25) / 39);
    expect(paired.high - paired.mean).toBeCloseTo((1.96 * sd) / Math.sqrt(40), 9);
    expect(pairedDifference([1], [0])).toBeUndefined();
    expect(pairedDifference([1, 2], [0])).toBeUndefined();
  });
});
