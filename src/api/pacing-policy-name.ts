import { z } from 'zod';
import { policyNames } from '../pacing/index.js';

/**
 * The pacing policies a PacingCluster can run. `adaptive` is the production policy; the others are the
 * baselines it is benchmarked against (see docs on the pacing algorithm).
 */
export const pacingPolicyNameSchema = z
  // The policy registry is the one list of names, so a new policy cannot be selectable but missing (or the reverse).
  .enum(policyNames)
  .meta({
    description:
      'Pacing policy: adaptive (production), progressive, expected-progressive, fixed-ratio, dialer-adaptive or erlang-static.',
  });

/** One pacing policy name. */
export type PacingPolicyName = z.infer<typeof pacingPolicyNameSchema>;
