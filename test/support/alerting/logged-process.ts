import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

/** A child process whose stdout and stderr go to a log file, stopped by its own pid. */
export interface LoggedProcess {
  readonly logFile: string;
  /** The last lines of the log, for failure messages. */
  tail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `command` with `args`, logging to `logFile`; rejects if it cannot be spawned. */
export async function startLoggedProcess(
  command: string,
  args: string[],
  logFile: string,
): Promise<LoggedProcess> {
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    logFile,
    tail: (lines = 20) => readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n'),
    stop: async (graceMs = 5_000) => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
