import { writeFileSync } from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { isPolicyName, policyNames } from '../pacing/index.js';
import {
  loadScenarioFile,
  renderScenarioPlot,
  renderSummaryTable,
  runPolicies,
  SimulationError,
  type Scenario,
} from '../sim/index.js';

/** Options of `pacing-operator simulate`. */
interface SimulateOptions {
  readonly scenario: string;
  readonly policy: string;
  readonly seeds: number;
  readonly format: 'json' | 'table';
  readonly plot?: string;
}

function parseSeeds(value: string): number {
  const seeds = Number(value);
  if (!Number.isInteger(seeds) || seeds < 1)
    throw new InvalidArgumentError('seeds must be a positive integer');
  return seeds;
}

function parseFormat(value: string): 'json' | 'table' {
  if (value !== 'json' && value !== 'table') throw new InvalidArgumentError('format must be json or table');
  return value;
}

function parsePolicy(value: string): string {
  if (value !== 'all' && !isPolicyName(value)) {
    throw new InvalidArgumentError(`policy must be all or one of ${policyNames.join(', ')}`);
  }
  return value;
}

/**
 * `pacing-operator simulate --scenario FILE [--policy NAME|all] [--seeds N] [--format json|table] [--plot FILE]`:
 * runs a scenario in the simulator with the operator's own pacing code and prints the benchmark figures of
 * PACING.md, one JSON object per policy per line (or a table). A progress bar shows on stderr when it is a
 * terminal.
 */
export function simulateCommand(): Command {
  return new Command('simulate')
    .description('run a pacing scenario in the contact-center simulator and print the benchmark figures')
    .requiredOption('--scenario <file>', 'scenario YAML file (format: docs/pacing.md)')
    .option('--policy <name>', `policy to run: all, ${policyNames.join(', ')}`, parsePolicy, 'adaptive')
    .option('--seeds <n>', 'number of seeds (the same seeds for every policy)', parseSeeds, 10)
    .option('--format <format>', 'json (one object per policy per line) or table', parseFormat, 'json')
    .option('--plot <file.svg>', 'also write an SVG plot of abandonment and occupancy')
    .action((options: SimulateOptions) => {
      let scenario: Scenario;
      try {
        scenario = loadScenarioFile(options.scenario);
      } catch (error) {
        // A bad scenario file is the user's to fix: say what and where, without a stack trace.
        if (!(error instanceof SimulationError)) throw error;
        process.stderr.write(`simulate: ${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      const policies = options.policy === 'all' ? [...policyNames] : [options.policy];
      const bar = process.stderr.isTTY
        ? new SingleBar(
            { stream: process.stderr, format: `${scenario.name} [{bar}] {value}/{total} runs` },
            Presets.shades_classic,
          )
        : undefined;
      bar?.start(policies.length * options.seeds, 0);
      const results = runPolicies(
        scenario,
        policies,
        options.seeds,
        () => performance.now(),
        () => bar?.increment(),
      );
      bar?.stop();
      const summaries = results.map((r) => r.summary);
      if (options.format === 'json') {
        for (const summary of summaries) process.stdout.write(`${JSON.stringify(summary)}\n`);
      } else {
        process.stdout.write(
          `${scenario.name} (${options.seeds} seeds)\n\n${renderSummaryTable(summaries)}\n`,
        );
      }
      if (options.plot) writeFileSync(options.plot, renderScenarioPlot(scenario, results));
    });
}
