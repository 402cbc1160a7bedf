import { Command } from 'commander';
import path from 'node:path';
import { DemoOptionsSchema, runDemo } from '../demo/index.js';
import { findPackageRoot } from './package-root.js';

/** `pacing-operator demo`: the whole product on this machine, with a live view and a report at the end. */
export function demoCommand(): Command {
  // The demo starts the operator and the reference servers with the very CLI file it runs from: dist/src/cli/main.js
  // or the bundle. Its files (scenario, examples, chart) are in the package directory.
  const cliPath = path.resolve(process.argv[1] ?? '');
  const repoRoot = findPackageRoot()?.dir ?? process.cwd();
  return new Command('demo')
    .description('run the operator locally against simulated contact-center servers and show what it decides')
    .option('--duration <seconds>', 'how long to run before stopping and writing the report', '300')
    .option('--run-dir <dir>', 'logs, kubeconfig and report', path.join(repoRoot, '.cache/demo'))
    .option('--scenario <file>', 'simulated contact center', path.join(repoRoot, 'deploy/demo/scenario.yaml'))
    .option('--examples <dir>', 'manifests to apply', path.join(repoRoot, 'deploy/examples'))
    .option('--chart <dir>', 'Helm chart', path.join(repoRoot, 'charts/agent-pacing-operator'))
    .option('--refresh <ms>', 'redraw period of the view', '2000')
    .action(async (raw: Record<string, string>) => {
      const options = DemoOptionsSchema.parse({
        durationSeconds: raw.duration,
        runDir: raw.runDir,
        scenario: raw.scenario,
        examples: raw.examples,
        chart: raw.chart,
        refreshMs: raw.refresh,
      });
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await runDemo(options, {
          repoRoot,
          cliPath,
          write: (text) => process.stdout.write(text),
          isTty: process.stdout.isTTY === true,
          signal: abort.signal,
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
