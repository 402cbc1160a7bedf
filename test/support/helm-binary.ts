import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './control-plane-paths.js';

/**
 * Path of the helm binary that `make control-plane` builds (deploy/local/build-helm.sh), at the version
 * pinned in deploy/local/versions.env. HELM overrides it, for example to use a helm already on PATH.
 */
export function helmBinary(): string {
  if (process.env.HELM) return process.env.HELM;
  const versions = readFileSync(path.join(repoRoot, 'deploy/local/versions.env'), 'utf8');
  const version = /HELM_VERSION:-(v[0-9.]+)/.exec(versions)?.[1];
  if (!version) throw new Error('deploy/local/versions.env names no HELM_VERSION');
  return path.join(repoRoot, '.cache/control-plane', `helm-${version}`, 'helm');
}

/** The chart folder inside the repository. */
export const chartDir = path.join(repoRoot, 'charts/agent-pacing-operator');
