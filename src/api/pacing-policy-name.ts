import { z } from 'zod';

/**
 * The pacing policies a PacingCluster can run. `adaptive` is the production policy; the others are the
 * baselines it is benchmarked against (see docs on the pacing algorithm).
 */
export const pacingPolicyNameSchema = z
  .enum([
    'adaptive',
    'progressive',
    'expected-progressive',
    'fixed-ratio',
    'dialer-adaptive',
    'erlang-static',
  ])
  .meta({
    description:
      'Pacing policy: adaptive (production), progressive, expected-progressive, fixed-ratio, dialer-adaptive or erlang-static.',
  });

/** One pacing policy name. */
export type PacingPolicyName = z.infer<typeof pacingPolicyNameSchema>;
