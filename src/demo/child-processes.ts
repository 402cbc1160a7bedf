import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A child process the demo started, with its log file. */
export interface ManagedChild {
  name: string;
  process: ChildProcess;
  logFile: string;
}

/**
 * Starts and stops the demo's child processes. Each child leads its own process group so that stopping it
 * also stops whatever it started; the demo never signals a process it did not start.
 */
export class ChildProcesses {
  readonly #children: ManagedChild[] = [];

  /** Starts `command args…` with stdout and stderr appended to logFile. */
  start(
    name: string,
    command: string,
    args: readonly string[],
    logFile: string,
    env?: NodeJS.ProcessEnv,
  ): ManagedChild {
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    const managed = { name, process: child, logFile };
    this.#children.push(managed);
    return managed;
  }

  /** Whether the named child is still running. */
  isRunning(name: string): boolean {
    const c = this.#children.find((x) => x.name === name);
    return c !== undefined && c.process.exitCode === null && c.process.signalCode === null;
  }

  /** Sends SIGTERM to one child's process group and waits up to graceMs before SIGKILL. */
  async stop(name: string, graceMs = 5000): Promise<void> {
    const c = this.#children.find((x) => x.name === name);
    if (c) await stopChild(c, graceMs);
  }

  /** Stops every child, newest first. */
  async stopAll(graceMs = 5000): Promise<void> {
    for (const c of [...this.#children].reverse()) await stopChild(c, graceMs);
  }
}

async function stopChild(c: ManagedChild, graceMs: number): Promise<void> {
  const p = c.process;
  if (p.exitCode !== null || p.signalCode !== null || p.pid === undefined) return;
  const exited = once(p, 'exit');
  signalGroup(p.pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(p.pid!, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}
