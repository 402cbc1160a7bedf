import { pairedDifference } from './paired-difference.js';
import type { DecisionSpeedResult } from './decision-speed-benchmark.js';
import type { Scenario } from './scenario.js';
import type { PolicySummary } from './summarize-runs.js';
import { renderSummaryTable } from './summary-table.js';

/** One acceptance check of `adaptive` on one scenario (issue 4's criteria). */
export interface BenchCheck {
  readonly scenario: string;
  readonly check: string;
  readonly isMet: boolean;
  readonly detail: string;
}

/** The results of one scenario. */
export interface ScenarioBench {
  readonly scenario: Scenario;
  readonly summaries: readonly PolicySummary[];
  /** Occupancy percent of each seed (seeds 1…N) by policy, for paired comparisons; optional. */
  readonly occupancyBySeed?: ReadonlyMap<string, readonly number[]> | undefined;
}

/** Volume (accepted per hour) from which the rolling-hour criterion applies. */
const rollingHourMinVolume = 300;

/** Per-target figures of a summary (the top level when it has a single target). */
function targetsOf(
  scenario: Scenario,
  s: PolicySummary,
): { name: string; goal: number; ab: number; roll: number; acc: number }[] {
  if (s.targets) {
    return s.targets.map((t) => ({
      name: t.name,
      goal: t.goalPercent,
      ab: t.abandonmentPercent,
      roll: t.rollingHourMaxPercent,
      acc: t.acceptedPerHour,
    }));
  }
  const target = scenario.targets[0]!;
  return [
    {
      name: target.name,
      goal: target.goalPercent,
      ab: s.abandonmentPercent,
      roll: s.rollingHourMaxPercent,
      acc: s.acceptedPerHour,
    },
  ];
}

/** True when every target of the summary kept its shift abandonment at or under its goal. */
export function meetsGoal(scenario: Scenario, summary: PolicySummary): boolean {
  return targetsOf(scenario, summary).every((t) => t.ab <= t.goal);
}

/** The criteria of issue 4 for `adaptive` on one scenario. */
export function checkAdaptive(bench: ScenarioBench, minSteadyOccupancy: number): BenchCheck[] {
  const { scenario, summaries } = bench;
  const adaptive = summaries.find((s) => s.policy === 'adaptive');
  if (!adaptive) return [];
  const name = scenario.name;
  const targets = targetsOf(scenario, adaptive);
  const checks: BenchCheck[] = [
    {
      scenario: name,
      check: 'shift abandonment ≤ goal',
      isMet: meetsGoal(scenario, adaptive),
      detail: targets.map((t) => `${t.name}: ${t.ab.toFixed(2)} % (goal ${t.goal} %)`).join('; '),
    },
  ];
  const busy = targets.filter((t) => t.acc >= rollingHourMinVolume);
  if (busy.length > 0) {
    checks.push({
      scenario: name,
      check: 'rolling-hour max ≤ 2 × goal (≥ 300 accepted/h)',
      isMet: busy.every((t) => t.roll <= 2 * t.goal),
      detail: busy.map((t) => `${t.name}: ${t.roll.toFixed(2)} %`).join('; '),
    });
  }
  const compliant = summaries.filter((s) => s.policy !== 'adaptive' && meetsGoal(scenario, s));
  const best = compliant.reduce<PolicySummary | undefined>(
    (top, s) => (top === undefined || s.occupancyPercent > top.occupancyPercent ? s : top),
    undefined,
  );
  checks.push({
    scenario: name,
    check: 'highest occupancy among policies meeting the goal',
    isMet:
      meetsGoal(scenario, adaptive) &&
      (best === undefined || adaptive.occupancyPercent >= best.occupancyPercent),
    detail: `adaptive ${adaptive.occupancyPercent} %; best other compliant: ${best ? `${best.policy} ${best.occupancyPercent} %` : 'none'}${best && adaptive.occupancyPercent < best.occupancyPercent ? pairedOccupancyNote(bench, best.policy) : ''}`,
  });
  if (name === 'steady-chat-10') {
    checks.push({
      scenario: name,
      check: `occupancy ≥ ${minSteadyOccupancy} %`,
      isMet: adaptive.occupancyPercent >= minSteadyOccupancy,
      detail: `${adaptive.occupancyPercent} % (optimal feedback limit ≈ 93.7 %)`,
    });
  }
  return checks;
}

/**
 * When adaptive trails a policy on occupancy: the paired difference over the seeds (same visitors for both) and
 * its 95 % interval, so a reader can tell a real gap from the seeds' noise. The verdict does not use it.
 */
function pairedOccupancyNote(bench: ScenarioBench, other: string): string {
  const mine = bench.occupancyBySeed?.get('adaptive');
  const theirs = bench.occupancyBySeed?.get(other);
  const paired = mine && theirs ? pairedDifference(mine, theirs) : undefined;
  if (paired === undefined) return '';
  const pp = (value: number) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;
  const verdict = paired.low <= 0 && paired.high >= 0 ? 'not distinguishable from 0' : 'a real gap';
  return ` (paired over ${paired.pairs} seeds: ${pp(paired.mean)} pp, 95 % interval ${pp(paired.low)} … ${pp(paired.high)}: ${verdict})`;
}

/** The Markdown report of a benchmark run. */
export function renderBenchMarkdown(
  benches: readonly ScenarioBench[],
  checks: readonly BenchCheck[],
  speed: {
    decision: DecisionSpeedResult;
    decisionCpu: DecisionSpeedResult;
    steadyEightHourSeconds: number;
    /** 1-minute load average of the machine when the decision round was timed. */
    loadAverage?: number;
  },
  seeds: number,
): string {
  const lines = [
    '# Pacing benchmark',
    '',
    `Seeds per scenario: ${seeds} (the same visitors for every policy). Figures as defined in docs/pacing.md.`,
    '',
    '## Criteria for `adaptive`',
    '',
    '| scenario | check | met | detail |',
    '|:--|:--|:--:|:--|',
    ...checks.map((c) => `| ${c.scenario} | ${c.check} | ${c.isMet ? 'yes' : '**no**'} | ${c.detail} |`),
    '',
    '## Speed',
    '',
    `- One decision round for ${speed.decision.targets} targets and ${speed.decision.agents} agents (observation building included; as in the operator, explanations are not built from the figures), policy \`${speed.decision.policy}\`: median ${speed.decision.medianMs} ms wall-clock, max ${speed.decision.maxMs} ms (observation building alone: median ${speed.decision.observeMedianMs} ms); median ${speed.decisionCpu.medianMs} ms of process CPU time (observation building ${speed.decisionCpu.observeMedianMs} ms). Budget: 50 ms on one core.${speed.loadAverage === undefined ? '' : ` Timed first, on a fresh heap, at a 1-minute load average of ${speed.loadAverage} on this machine.`}`,
    `- steady-chat-10 (8 h scored + 30 min warm-up), one seed of \`adaptive\`: ${speed.steadyEightHourSeconds.toFixed(2)} s.`,
    '',
  ];
  for (const bench of benches) {
    lines.push(`## ${bench.scenario.name}`, '');
    if (bench.scenario.description) lines.push(bench.scenario.description.trim(), '');
    lines.push(
      renderSummaryTable(bench.summaries),
      '',
      `![${bench.scenario.name}](${bench.scenario.name}.svg)`,
      '',
    );
    const multi = bench.summaries.filter((s) => s.targets);
    for (const s of multi) {
      for (const t of s.targets ?? []) {
        lines.push(
          `- ${s.policy} / ${t.name}: abandon ${t.abandonmentPercent} % (goal ${t.goalPercent} %), max rolling hour ${t.rollingHourMaxPercent} %, occupancy ${t.occupancyPercent} %, accepted/h ${t.acceptedPerHour}`,
        );
      }
    }
    if (multi.length > 0) lines.push('');
  }
  return lines.join('\n');
}
