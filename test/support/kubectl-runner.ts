import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** What one kubectl run printed and returned. */
export interface KubectlRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the kubectl the global setup exported (KUBECTL, KUBECONFIG), feeding `input` on stdin.
 * Bounded: a kubectl that hangs is killed after 60 s and the run reports status null.
 */
export function runKubectl(args: readonly string[], input?: string): KubectlRun {
  const kubectl = process.env.KUBECTL;
  if (!kubectl) throw new Error('KUBECTL is not set: run through the jest integration project');
  const result = spawnSync(kubectl, args, { input, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Runs kubectl and throws with its stderr unless it exits 0; returns stdout. */
export function kubectlOk(args: readonly string[], input?: string): string {
  const run = runKubectl(args, input);
  if (run.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** Creates a namespace with a random suffix for one test file and returns its name. */
export function createTestNamespace(prefix: string): string {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  kubectlOk(['create', 'namespace', name]);
  return name;
}

/** Polls `probe` until it returns a value other than undefined or the deadline passes (then throws). */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
