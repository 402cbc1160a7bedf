import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const packageName = 'agent-pacing-operator';

/** What the operator's package.json says about itself. */
export interface PackageRoot {
  readonly dir: string;
  readonly version: string;
}

/**
 * Finds the operator's package directory by walking up from `fromUrl` (this file's URL by default) to the first
 * package.json named agent-pacing-operator. The walk, not a fixed `../..`, because the same code runs from
 * src/cli (tests), dist/src/cli (tsc output) and dist/operator (the bundle). Undefined when there is none.
 */
export function findPackageRoot(fromUrl: string = import.meta.url): PackageRoot | undefined {
  let dir = path.dirname(fileURLToPath(fromUrl));
  for (;;) {
    const found = readPackageJson(path.join(dir, 'package.json'));
    if (found !== undefined) return { dir, version: found };
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readPackageJson(file: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === packageName && typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined; // no package.json here, or not ours: keep walking
  }
}
