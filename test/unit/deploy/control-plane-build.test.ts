import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../support/control-plane-paths.js';

const scripts = ['build-k8s-bins.sh', 'build-etcd.sh', 'build-helm.sh'];

/** Runs a build script against an empty cache folder so that it has to reach for Go. */
function runWithEmptyCache(script: string, env: NodeJS.ProcessEnv) {
  const out = mkdtempSync(path.join(tmpdir(), 'pacing-build-'));
  try {
    return spawnSync('bash', [path.join(repoRoot, 'deploy/local', script)], {
      env: { HOME: process.env.HOME, ...env, OUT: out },
      encoding: 'utf8',
      timeout: 30_000,
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe('control-plane build scripts', () => {
  it.each(scripts)('%s stops with one clear line when go is not on PATH', (script) => {
    const result = runWithEmptyCache(script, { PATH: '/usr/bin:/bin' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      "control-plane: Go 1.24+ is required to build the local control plane, and 'go' is not on PATH",
    ]);
  });

  it.each(scripts)('%s stops with one clear line when the Go module proxy is off', (script) => {
    const result = runWithEmptyCache(script, { PATH: process.env.PATH, GOPROXY: 'off' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'control-plane: the Go module proxy is off (GOPROXY=off); set GOPROXY to reach it',
    ]);
  });
});
