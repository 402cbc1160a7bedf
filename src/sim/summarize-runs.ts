import type { Scenario } from './scenario.js';
import type { SeedRun } from './run-scenario-seed.js';

/** Figures of one target over all seeds (see PACING.md for the definitions). */
export interface TargetSummary {
  readonly name: string;
  readonly goalPercent: number;
  readonly abandonmentPercent: number;
  readonly rollingHourMaxPercent: number;
  readonly occupancyPercent: number;
  readonly acceptedPerHour: number;
}

/** The benchmark's JSON object for one scenario and policy (the contract of PACING.md). */
export interface PolicySummary {
  readonly scenario: string;
  readonly policy: string;
  readonly seeds: number;
  readonly abandonmentPercent: number;
  readonly abandonmentPercentWorstSeed: number;
  readonly rollingHourMaxPercent: number;
  readonly occupancyPercent: number;
  readonly acceptedPerHour: number;
  readonly invitesPerHour: number;
  readonly meanWaitSeconds: number;
  readonly excessAbandonedAfterShocks: number;
  readonly wallSeconds: number;
  readonly targets?: TargetSummary[];
}

const sum = (values: ArrayLike<number>): number => {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
};

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

/** Percent, 0 when the denominator is 0. */
function percent(numerator: number, denominator: number): number {
  return denominator > 0 ? (100 * numerator) / denominator : 0;
}

/** Adds per-minute series of several targets. */
function addSeries(series: readonly Float64Array[], minutes: number): Float64Array {
  const out = new Float64Array(minutes);
  for (const s of series) for (let i = 0; i < minutes; i++) out[i]! += s[i]!;
  return out;
}

/** Highest abandonment percent over any 60-minute window (the whole run when shorter). */
export function rollingHourMaxPercent(accepted: Float64Array, abandoned: Float64Array): number {
  const width = Math.min(60, accepted.length);
  let acc = 0;
  let ab = 0;
  let best = 0;
  for (let i = 0; i < accepted.length; i++) {
    acc += accepted[i]!;
    ab += abandoned[i]!;
    if (i >= width) {
      acc -= accepted[i - width]!;
      ab -= abandoned[i - width]!;
    }
    if (i >= width - 1) best = Math.max(best, percent(ab, acc));
  }
  return best;
}

/** Abandoned beyond goal × accepted in the 15 minutes after each scenario event, summed over events. */
function excessAfterShocks(scenario: Scenario, run: SeedRun): number {
  const r = run.recorder;
  let excess = 0;
  for (const event of scenario.events) {
    const first = Math.max(0, Math.floor(event.at / 60));
    const last = Math.min(r.minutes, first + 15);
    scenario.targets.forEach((target, t) => {
      let acc = 0;
      let ab = 0;
      for (let b = first; b < last; b++) {
        acc += r.accepted[t]![b]!;
        ab += r.abandoned[t]![b]!;
      }
      excess += Math.max(0, ab - (target.goalPercent / 100) * acc);
    });
  }
  return excess;
}

/** Occupancy of one seed's run, in percent (busy ÷ staffed slot time, every target's agents). */
export function seedOccupancyPercent(run: SeedRun): number {
  return percent(sum(run.recorder.busyAll), sum(run.recorder.staffedAll));
}

/** Turns the seed runs of one policy into the contract's figures. */
export function summarizeRuns(scenario: Scenario, policy: string, runs: readonly SeedRun[]): PolicySummary {
  const hours = (scenario.durationSeconds / 3600) * runs.length;
  const T = scenario.targets.length;
  let accepted = 0;
  let abandoned = 0;
  let invites = 0;
  let busy = 0;
  let staffed = 0;
  let waits = 0;
  let answered = 0;
  let worst = 0;
  let rolling = 0;
  let excess = 0;
  let wall = 0;
  for (const run of runs) {
    const r = run.recorder;
    const acc = addSeries(r.accepted, r.minutes);
    const ab = addSeries(r.abandoned, r.minutes);
    accepted += sum(acc);
    abandoned += sum(ab);
    invites += sum(addSeries(r.invites, r.minutes));
    busy += sum(r.busyAll);
    staffed += sum(r.staffedAll);
    waits += sum(r.waitSeconds);
    answered += sum(r.answered);
    worst = Math.max(worst, percent(sum(ab), sum(acc)));
    rolling += rollingHourMaxPercent(acc, ab);
    excess += excessAfterShocks(scenario, run);
    wall += run.wallSeconds;
  }
  const n = Math.max(1, runs.length);
  const summary: PolicySummary = {
    scenario: scenario.name,
    policy,
    seeds: runs.length,
    abandonmentPercent: round(percent(abandoned, accepted), 2),
    abandonmentPercentWorstSeed: round(worst, 2),
    rollingHourMaxPercent: round(rolling / n, 2),
    occupancyPercent: round(percent(busy, staffed), 1),
    acceptedPerHour: round(accepted / hours, 1),
    invitesPerHour: round(invites / hours, 1),
    meanWaitSeconds: round(answered > 0 ? waits / answered : 0, 1),
    excessAbandonedAfterShocks: round(excess / n, 1),
    wallSeconds: round(wall, 2),
  };
  if (T === 1) return summary;
  const targets = scenario.targets.map((target, t): TargetSummary => {
    let acc = 0;
    let ab = 0;
    let b = 0;
    let s = 0;
    let roll = 0;
    for (const run of runs) {
      const r = run.recorder;
      acc += sum(r.accepted[t]!);
      ab += sum(r.abandoned[t]!);
      b += sum(r.busy[t]!);
      s += sum(r.staffed[t]!);
      roll += rollingHourMaxPercent(r.accepted[t]!, r.abandoned[t]!);
    }
    return {
      name: target.name,
      goalPercent: target.goalPercent,
      abandonmentPercent: round(percent(ab, acc), 2),
      rollingHourMaxPercent: round(roll / n, 2),
      occupancyPercent: round(percent(b, s), 1),
      acceptedPerHour: round(acc / hours, 1),
    };
  });
  return { ...summary, targets };
}
