import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadavg } from 'node:os';
import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { policyNames } from '../pacing/index.js';
import {
  checkAdaptive,
  defaultDecisionSpeedOptions,
  loadScenarioFile,
  measureDecisionSpeed,
  renderBenchMarkdown,
  renderScenarioPlot,
  runPolicies,
  seedOccupancyPercent,
  type ScenarioBench,
} from '../sim/index.js';

/** Options of `pacing-operator bench`. */
interface BenchOptions {
  readonly scenarios: string;
  readonly seeds: number;
  readonly out: string;
}

function parseSeeds(value: string): number {
  const seeds = Number(value);
  if (!Number.isInteger(seeds) || seeds < 1)
    throw new InvalidArgumentError('seeds must be a positive integer');
  return seeds;
}

/** Occupancy `adaptive` must reach on steady-chat-10 (the optimal feedback limit is about 93.7 %). */
const minSteadyOccupancy = 92;

/**
 * `pacing-operator bench [--scenarios DIR] [--seeds N] [--out DIR]`: runs every scenario of DIR with every policy
 * on the same seeds, checks `adaptive` against the criteria, times a 10,000-target decision round, and writes
 * `latest.json`, `latest.md` and one SVG per scenario into DIR.
 */
export function benchCommand(): Command {
  return new Command('bench')
    .description('run every benchmark scenario with every policy and write JSON, Markdown and SVG results')
    .option('--scenarios <dir>', 'directory of scenario YAML files', 'test/bench/scenarios')
    .option('--seeds <n>', 'seeds per scenario', parseSeeds, 10)
    .option('--out <dir>', 'output directory', 'bench/results')
    .action((options: BenchOptions) => {
      const clock = (): number => performance.now();
      // The decision round is timed first, on the fresh heap an operator process has: after the scenario runs the
      // heap holds every policy's series, and collecting that inflates a 10,000-target round's time severalfold.
      // CPU time of this process is the main clock: on a shared machine wall time also counts waiting for a core.
      const cpuClock = (): number => {
        const usage = process.cpuUsage();
        return (usage.user + usage.system) / 1000;
      };
      const loadAverage = Number(loadavg()[0]!.toFixed(2));
      const decisionCpu = measureDecisionSpeed(defaultDecisionSpeedOptions, cpuClock);
      const decision = measureDecisionSpeed(defaultDecisionSpeedOptions, clock);
      const files = readdirSync(options.scenarios)
        .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
        .sort();
      const scenarios = files.map((f) => loadScenarioFile(path.join(options.scenarios, f)));
      mkdirSync(options.out, { recursive: true });
      const bar = process.stderr.isTTY
        ? new SingleBar(
            { stream: process.stderr, format: 'bench [{bar}] {value}/{total} runs {scenario}' },
            Presets.shades_classic,
          )
        : undefined;
      bar?.start(scenarios.length * policyNames.length * options.seeds, 0, { scenario: '' });
      const benches: ScenarioBench[] = [];
      let steadyEightHourSeconds = Number.NaN;
      for (const scenario of scenarios) {
        if (!bar) process.stderr.write(`bench: ${scenario.name}\n`);
        const results = runPolicies(scenario, policyNames, options.seeds, clock, () =>
          bar?.increment({ scenario: scenario.name }),
        );
        writeFileSync(path.join(options.out, `${scenario.name}.svg`), renderScenarioPlot(scenario, results));
        benches.push({
          scenario,
          summaries: results.map((r) => r.summary),
          occupancyBySeed: new Map(results.map((r) => [r.policy, r.runs.map(seedOccupancyPercent)])),
        });
        if (scenario.name === 'steady-chat-10') {
          const adaptive = results.find((r) => r.policy === 'adaptive')!;
          steadyEightHourSeconds = adaptive.summary.wallSeconds / adaptive.runs.length;
        }
      }
      bar?.stop();
      const checks = benches.flatMap((b) => checkAdaptive(b, minSteadyOccupancy));
      const speed = { decision, decisionCpu, steadyEightHourSeconds, loadAverage };
      const json = {
        seeds: options.seeds,
        results: benches.flatMap((b) => b.summaries),
        checks,
        speed,
      };
      writeFileSync(path.join(options.out, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
      writeFileSync(
        path.join(options.out, 'latest.md'),
        `${renderBenchMarkdown(benches, checks, speed, options.seeds)}\n`,
      );
      const failed = checks.filter((c) => !c.isMet);
      process.stdout.write(
        `bench: ${checks.length - failed.length}/${checks.length} checks met; decision round ${decision.medianMs} ms wall, ${decisionCpu.medianMs} ms CPU; ` +
          `steady 8 h ${steadyEightHourSeconds.toFixed(2)} s; wrote ${options.out}/latest.{json,md}\n`,
      );
      for (const c of failed) process.stdout.write(`  not met: ${c.scenario}: ${c.check} (${c.detail})\n`);
    });
}
