import { execFile } from 'node:child_process';
import type { KubectlRun } from '../../support/kubectl-runner.js';

/**
 * Runs the kubectl the global setup exported, without blocking the event loop: the chaos tests host the reference
 * servers in the jest process, and a synchronous kubectl would hold their answers back and blur the measured gaps.
 * Bounded: killed after 30 s (status null).
 */
export function kubectlAsync(args: readonly string[]): Promise<KubectlRun> {
  const kubectl = process.env.KUBECTL;
  if (!kubectl) throw new Error('KUBECTL is not set: run through a jest project with the global setup');
  return new Promise((resolve) => {
    execFile(kubectl, args, { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ status, stdout, stderr });
    });
  });
}

/** Polls the async `probe` every 250 ms until it yields a value other than undefined; throws after `timeoutMs`. */
export async function eventuallyAsync<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
