import { readPackageVersion } from '../../../src/cli/package-version.js';

describe('readPackageVersion', () => {
  it('reads the version of this package from package.json', () => {
    expect(readPackageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
