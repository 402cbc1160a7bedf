import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findPackageRoot } from '../../../src/cli/package-root.js';
import { readPackageVersion } from '../../../src/cli/package-version.js';
import { repoRoot } from '../../support/control-plane-paths.js';

describe('findPackageRoot', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'package-root-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds this repository from the tsc output and from the bundle alike', () => {
    for (const file of [
      'dist/src/cli/main.js',
      'dist/operator/pacing-operator.mjs',
      'src/cli/package-root.ts',
    ]) {
      expect(findPackageRoot(pathToFileURL(path.join(repoRoot, file)).href)?.dir).toBe(repoRoot);
    }
  });

  it('skips package.json files of other packages, and malformed ones, on the way up', () => {
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'agent-pacing-operator', version: '9.8.7' }),
    );
    mkdirSync(path.join(dir, 'node_modules/other/lib'), { recursive: true });
    writeFileSync(
      path.join(dir, 'node_modules/other/package.json'),
      JSON.stringify({ name: 'other', version: '1.0.0' }),
    );
    // A malformed package.json on the way is skipped too.
    writeFileSync(path.join(dir, 'node_modules/other/lib/package.json'), '{');
    const found = findPackageRoot(pathToFileURL(path.join(dir, 'node_modules/other/lib/index.js')).href);
    expect(found).toEqual({ dir, version: '9.8.7' });
  });

  it('is undefined outside any copy of the package', () => {
    expect(findPackageRoot(pathToFileURL(path.join(dir, 'a/b/c.js')).href)).toBeUndefined();
  });

  it('gives the CLI the version of package.json', () => {
    expect(readPackageVersion()).toBe(
      findPackageRoot(pathToFileURL(path.join(repoRoot, 'package.json')).href)?.version,
    );
    expect(readPackageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
