import { findPackageRoot } from './package-root.js';

/** The version in the operator's package.json; 0.0.0 when the file is not found beside the code. */
export function readPackageVersion(): string {
  return findPackageRoot()?.version ?? '0.0.0';
}
