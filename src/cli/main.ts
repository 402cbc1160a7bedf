#!/usr/bin/env node
import { Command } from 'commander';
import { benchCommand } from './bench-command.js';
import { crdsCommand } from './crds-command.js';
import { demoCommand } from './demo-command.js';
import { readPackageVersion } from './package-version.js';
import { runCommand } from './run-command.js';
import { serveCommand } from './serve-command.js';
import { simulateCommand } from './simulate-command.js';

/** Builds the `pacing-operator` command line; each subcommand lives in its own file beside this one. */
export function buildProgram(): Command {
  const program = new Command('pacing-operator')
    .description('Agent Pacing Operator: paces proactive invitations to the agents free to answer them')
    .version(readPackageVersion())
    .addCommand(crdsCommand())
    .addCommand(demoCommand())
    .addCommand(runCommand())
    .addCommand(simulateCommand())
    .addCommand(benchCommand())
    .addCommand(serveCommand());
  return program;
}

await buildProgram().parseAsync(process.argv);
