import { pacingPolicyNameSchema } from '../../../src/api/index.js';
import { policyNames } from '../../../src/pacing/index.js';

describe('pacingPolicyNameSchema', () => {
  it('offers exactly the policies that src/pacing implements', () => {
    expect([...pacingPolicyNameSchema.options].sort()).toEqual([...policyNames].sort());
  });

  it('refuses an unknown policy', () => {
    expect(pacingPolicyNameSchema.safeParse('aggressive').success).toBe(false);
  });
});
