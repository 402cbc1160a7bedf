import { runScenarioSeed, type SeedRun } from './run-scenario-seed.js';
import type { Scenario } from './scenario.js';
import { summarizeRuns, type PolicySummary } from './summarize-runs.js';

/** The runs and summary of one policy on one scenario. */
export interface PolicyRuns {
  /** Policy name. */
  readonly policy: string;
  /** One run per seed (seeds 1…N). */
  readonly runs: SeedRun[];
  /** The contract's figures. */
  readonly summary: PolicySummary;
}

/**
 * Runs every policy on seeds 1…`seeds` of a scenario (the same seeds, hence the same visitors, for every policy).
 * `onRun` is called after each seed (for a progress bar); `clock` gives wall-clock ms for the timings.
 */
export function runPolicies(
  scenario: Scenario,
  policies: readonly string[],
  seeds: number,
  clock: () => number,
  onRun: () => void = () => undefined,
): PolicyRuns[] {
  return policies.map((policy) => {
    const runs: SeedRun[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      runs.push(runScenarioSeed(scenario, policy, seed, clock));
      onRun();
    }
    return { policy, runs, summary: summarizeRuns(scenario, policy, runs) };
  });
}
