import { seriesOfRuns } from './policy-series.js';
import type { PolicyRuns } from './run-policies.js';
import type { Scenario } from './scenario.js';
import { lineChart, scatterChart, svgDocument } from './svg-plot.js';

/**
 * The SVG of one scenario: rolling-hour abandonment and 15-minute occupancy over the scored time for every
 * policy (seeds pooled), and occupancy against shift abandonment per policy, with the goal dashed.
 */
export function renderScenarioPlot(scenario: Scenario, results: readonly PolicyRuns[]): string {
  const goal = Math.min(...scenario.targets.map((t) => t.goalPercent));
  const series = results.map((r) => ({ name: r.policy, ...seriesOfRuns(r.runs) }));
  const abandonMax = Math.max(4 * goal, goal + 1);
  return svgDocument([
    lineChart({
      title: `${scenario.name}: abandonment over the trailing hour`,
      xLabel: 'hours',
      yLabel: 'abandoned %',
      xStep: 1 / 60,
      series: series.map((s) => ({ name: s.name, values: s.rollingHourAbandonPercent })),
      yMark: goal,
      yMax: abandonMax,
    }),
    lineChart({
      title: `${scenario.name}: occupancy over the trailing 15 minutes`,
      xLabel: 'hours',
      yLabel: 'occupancy %',
      xStep: 1 / 60,
      series: series.map((s) => ({ name: s.name, values: s.occupancyPercent })),
      yMax: 100,
    }),
    scatterChart({
      title: `${scenario.name}: occupancy against abandonment (shift)`,
      xLabel: 'abandoned % (dashed: goal)',
      yLabel: 'occupancy %',
      points: results.map((r) => ({
        name: r.policy,
        x: Math.min(r.summary.abandonmentPercent, abandonMax),
        y: r.summary.occupancyPercent,
      })),
      xMark: goal,
    }),
  ]);
}
