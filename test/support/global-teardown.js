// Plain ESM JavaScript, like the global setup.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Stops the control plane that the global setup started (never one reused through PACING_TEST_KUBECONFIG). */
export default async function globalTeardown() {
  const runDir = process.env.PACING_TEST_RUN_DIR;
  if (runDir && !process.env.PACING_KEEP_CLUSTER) {
    execFileSync('bash', [path.join(repoRoot, 'deploy/local/control-plane.sh'), 'down', runDir], {
      stdio: 'inherit',
    });
  }
}
