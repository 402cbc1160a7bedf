import { z } from 'zod';

/**
 * A fencing token: the resourceVersion of the publisher's latest write to the Lease that entitles it to publish a
 * target. Kubernetes resource versions of one resource are comparable positive integers without leading zeros
 * (KEP-5504, stable in 1.35), and every acquisition or renewal of a Lease is a compare-and-swap on it, so a later
 * holder always carries a larger token than any write of an earlier one.
 */
export const FencingTokenSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,39}$/, 'a positive integer without leading zeros (a resourceVersion)')
  .describe('resourceVersion of the Lease write that entitles the publisher to these targets');

/** A fencing token (see {@link FencingTokenSchema}). */
export type FencingToken = z.infer<typeof FencingTokenSchema>;

/** The per-target error code of a platform that refused an allowance carrying an older token than one it applied. */
export const STALE_FENCE_CODE = 'STALE_FENCE';

/** Orders two valid fencing tokens as integers: negative when `a` is older, 0 when equal, positive when newer. */
export function compareFencingTokens(a: FencingToken, b: FencingToken): number {
  // Decimal strings without leading zeros: the longer is larger, equal lengths compare as text.
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `value` is a valid fencing token (a positive decimal integer without leading zeros). */
export function isFencingToken(value: string): value is FencingToken {
  return FencingTokenSchema.safeParse(value).success;
}
