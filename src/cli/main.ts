#!/usr/bin/env node
import { Command } from 'commander';
import { crdsCommand } from './crds-command.js';
import { demoCommand } from './demo-command.js';
import { readPackageVersion } from './package-version.js';
import { runCommand } from './run-command.js';

/** Builds the `pacing-operator` command line; each subcommand lives in its own file beside this one. */
export function buildProgram(): Command {
  const program = new Command('pacing-operator')
    .description('Agent Pacing Operator: paces proactive invitations to the agents free to answer them')
    .version(readPackageVersion())
    .addCommand(crdsCommand())
    .addCommand(demoCommand())
    .addCommand(runCommand());
  return program;
}

await buildProgram().parseAsync(process.argv);
