import {
  checkAdaptive,
  loadScenarioFile,
  parseScenario,
  rollingHourMaxPercent,
  runPolicies,
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
});
