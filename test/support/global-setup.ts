import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { controlPlaneScript, repoRoot } from './control-plane-paths.js';

/**
 * Starts one real control plane (etcd + kube-apiserver) for the whole integration run, installs the CRDs
 * and exports KUBECONFIG, PACING_TEST_RUN_DIR and KUBECTL to the test workers. Set PACING_TEST_KUBECONFIG
 * to reuse a running control plane instead (for example one from `make cluster-up`).
 */
export default async function globalSetup(): Promise<void> {
  const binDir = execFileSync('bash', [controlPlaneScript, 'bin-dir'], { encoding: 'utf8' }).trim();
  process.env.KUBECTL = path.join(binDir, 'kubectl');
  if (process.env.PACING_TEST_KUBECONFIG) {
    process.env.KUBECONFIG = process.env.PACING_TEST_KUBECONFIG;
  } else {
    const runDir = path.join(repoRoot, '.cache/test-cluster', String(process.pid));
    const kubeconfig = execFileSync('bash', [controlPlaneScript, 'up', runDir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim();
    process.env.KUBECONFIG = kubeconfig;
    process.env.PACING_TEST_RUN_DIR = runDir;
  }
  installCrds(process.env.KUBECTL);
}

function installCrds(kubectl: string): void {
  const dir = path.join(repoRoot, 'crds');
  if (!existsSync(dir) || !readdirSync(dir).some((f) => f.endsWith('.yaml'))) return;
  execFileSync(kubectl, ['apply', '--server-side', '--force-conflicts', '-f', dir], { stdio: 'inherit' });
  execFileSync(kubectl, ['wait', '--for=condition=Established', '--timeout=60s', '-f', dir], {
    stdio: 'inherit',
  });
}
