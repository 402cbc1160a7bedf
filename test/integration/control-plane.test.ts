import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/control-plane-paths.js';

const pinned = /K8S_VERSION=\$\{K8S_VERSION:-(v[\d.]+)\}/.exec(
  readFileSync(path.join(repoRoot, 'deploy/local/versions.env'), 'utf8'),
)?.[1];

describe('the local control plane', () => {
  it('answers kubectl version through the generated kubeconfig with the pinned server version', () => {
    const out = execFileSync(process.env.KUBECTL!, ['version', '-o', 'json'], { encoding: 'utf8' });
    const version = JSON.parse(out) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    expect(pinned).toBeDefined();
    expect(version.serverVersion.gitVersion).toBe(pinned);
    expect(version.clientVersion.gitVersion).toBe(pinned);
  });

  it('reuses the cached binaries on a second build', () => {
    const out = execFileSync('bash', [path.join(repoRoot, 'deploy/local/build-all.sh')], {
      encoding: 'utf8',
    });
    expect(out).toContain(`kube-apiserver and kubectl ${pinned} cached`);
    expect(out).toMatch(/etcd v[\d.]+ cached/);
    expect(out).toMatch(/helm v[\d.]+ cached/);
  });
});
