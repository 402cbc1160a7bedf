import type { SeedRun } from './run-scenario-seed.js';

/** Per-minute curves of one policy, pooled over seeds. */
export interface PolicySeries {
  /** Abandoned ÷ accepted over the trailing 60 minutes (fewer at the start), percent. */
  readonly rollingHourAbandonPercent: number[];
  /** Busy ÷ staffed slot-seconds over the trailing 15 minutes, percent. */
  readonly occupancyPercent: number[];
}

/** Sums a trailing window of a per-minute series. */
function trailing(values: Float64Array, width: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= width) sum -= values[i - width]!;
    out.push(sum);
  }
  return out;
}

/** Pools the seeds' per-minute tallies (all targets) into the curves the plots draw. */
export function seriesOfRuns(runs: readonly SeedRun[]): PolicySeries {
  const minutes = runs[0]?.recorder.minutes ?? 0;
  const accepted = new Float64Array(minutes);
  const abandoned = new Float64Array(minutes);
  const busy = new Float64Array(minutes);
  const staffed = new Float64Array(minutes);
  for (const { recorder } of runs) {
    for (let m = 0; m < minutes; m++) {
      for (const s of recorder.accepted) accepted[m]! += s[m]!;
      for (const s of recorder.abandoned) abandoned[m]! += s[m]!;
      busy[m]! += recorder.busyAll[m]!;
      staffed[m]! += recorder.staffedAll[m]!;
    }
  }
  const acc = trailing(accepted, 60);
  const ab = trailing(abandoned, 60);
  const b = trailing(busy, 15);
  const s = trailing(staffed, 15);
  return {
    rollingHourAbandonPercent: acc.map((a, i) => (a > 0 ? (100 * ab[i]!) / a : 0)),
    occupancyPercent: s.map((v, i) => (v > 0 ? (100 * b[i]!) / v : 0)),
  };
}
