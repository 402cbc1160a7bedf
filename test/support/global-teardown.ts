import { execFileSync } from 'node:child_process';
import { controlPlaneScript } from './control-plane-paths.js';

/** Stops the control plane that the global setup started (never one reused through PACING_TEST_KUBECONFIG). */
export default async function globalTeardown(): Promise<void> {
  const runDir = process.env.PACING_TEST_RUN_DIR;
  if (runDir && !process.env.PACING_KEEP_CLUSTER) {
    execFileSync('bash', [controlPlaneScript, 'down', runDir], { stdio: 'inherit' });
  }
}
