import { adaptivePolicy } from './adaptive-policy.js';
import { dialerAdaptivePolicy } from './dialer-adaptive-policy.js';
import { erlangStaticPolicy } from './erlang-static-policy.js';
import { PacingPolicyError } from './errors.js';
import { expectedProgressivePolicy } from './expected-progressive-policy.js';
import { fixedRatioPolicy } from './fixed-ratio-policy.js';
import type { PacingPolicy, PlainData } from './pacing-policy.js';
import { progressivePolicy } from './progressive-policy.js';

/** Names of the policies, the production one first. */
export const policyNames = [
  'adaptive',
  'progressive',
  'expected-progressive',
  'fixed-ratio',
  'dialer-adaptive',
  'erlang-static',
] as const;

/** A policy name. */
export type PolicyName = (typeof policyNames)[number];

/** The default policy. */
export const defaultPolicyName: PolicyName = 'adaptive';

const policies: Readonly<Record<PolicyName, PacingPolicy>> = {
  adaptive: adaptivePolicy as PacingPolicy,
  progressive: progressivePolicy as PacingPolicy,
  'expected-progressive': expectedProgressivePolicy as PacingPolicy,
  'fixed-ratio': fixedRatioPolicy as PacingPolicy,
  'dialer-adaptive': dialerAdaptivePolicy as PacingPolicy,
  'erlang-static': erlangStaticPolicy as PacingPolicy,
};

/** True when `name` names a policy. */
export function isPolicyName(name: string): name is PolicyName {
  return (policyNames as readonly string[]).includes(name);
}

/** The policy of that name; throws PacingPolicyError (PACING_ERR_UNKNOWN_POLICY) for an unknown name. */
export function findPolicy(name: string): PacingPolicy<PlainData> {
  if (!isPolicyName(name))
    throw new PacingPolicyError(`unknown pacing policy "${name}"; known: ${policyNames.join(', ')}`);
  return policies[name];
}
