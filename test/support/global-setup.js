// Plain ESM JavaScript: jest loads global setup outside its TypeScript transform and module mapper.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(repoRoot, 'deploy/local/control-plane.sh');

/**
 * Starts one real control plane (etcd + kube-apiserver) for the whole integration run, installs the CRDs
 * and exports KUBECONFIG, PACING_TEST_RUN_DIR and KUBECTL to the test workers. Set PACING_TEST_KUBECONFIG
 * to reuse a running control plane instead (for example the one from `make cluster-up`).
 */
export default async function globalSetup() {
  const binDir = execFileSync('bash', [script, 'bin-dir'], { encoding: 'utf8' }).trim();
  process.env.KUBECTL = path.join(binDir, 'kubectl');
  if (process.env.PACING_TEST_KUBECONFIG) {
    process.env.KUBECONFIG = process.env.PACING_TEST_KUBECONFIG;
  } else {
    const runDir = path.join(repoRoot, '.cache/test-cluster', String(process.pid));
    process.env.KUBECONFIG = execFileSync('bash', [script, 'up', runDir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    process.env.PACING_TEST_RUN_DIR = runDir;
  }
  const crds = path.join(repoRoot, 'crds');
  if (existsSync(crds) && readdirSync(crds).some((f) => f.endsWith('.yaml'))) {
    execFileSync(process.env.KUBECTL, ['apply', '--server-side', '--force-conflicts', '-f', crds], {
      stdio: 'inherit',
    });
    execFileSync(process.env.KUBECTL, ['wait', '--for=condition=Established', '--timeout=60s', '-f', crds], {
      stdio: 'inherit',
    });
  }
}
