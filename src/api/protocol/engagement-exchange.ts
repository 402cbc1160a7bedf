import { z } from 'zod';
import { everyOf, fastChecked, isCount, isNonEmptyString } from './fast-checked-schema.js';
import { FencingTokenSchema } from './fencing-token.js';

/** Version of the compact wire encoding; a server answers 400 to a version it does not speak. */
export const ENGAGEMENT_WIRE_VERSION = 1;

const count = z.int().min(0);
/** The fast check of an array of counts (see {@link fastChecked}). */
const areCounts = everyOf(isCount);

/** One pacing target in a logical exchange request: how many invitations it may send this interval, to whom. */
export const EngagementAllowanceSchema = z.object({
  id: z.string().min(1).describe('target id `${virtualQueue}:${media}`'),
  invites: count.describe('invitations the platform may send for this target during the interval'),
  groups: z.array(z.string().min(1)).describe('names of the agent groups that answer this target'),
  fence: FencingTokenSchema.optional(),
});

/** The logical content the operator publishes each cycle (before compact encoding and chunking). */
export const EngagementRequestSchema = z.object({
  clusterId: z.string().min(1).describe('PacingCluster identity (namespace/name)'),
  cycleId: count.describe('monotonic cycle number of the publishing leader'),
  intervalMs: z.int().positive().describe('length of the interval the allowances cover, ms'),
  publisher: z.string().min(1).describe('identity of the operator instance that publishes'),
  targets: z.array(EngagementAllowanceSchema),
});

/** A per-target error reported by the engagement platform. */
export const EngagementTargetIssueSchema = z.object({
  code: z.string().min(1).describe('machine-readable reason, e.g. UNKNOWN_TARGET'),
  message: z.string().describe('human-readable detail'),
});

/** The platform's report for one target; counters are cumulative per target since the platform started. */
export const EngagementTargetReportSchema = z.object({
  id: z.string().min(1),
  pending: count.describe('invitations sent and not yet accepted, declined or expired'),
  sentTotal: count,
  acceptedTotal: count,
  declinedTotal: count,
  expiredTotal: count,
  error: EngagementTargetIssueSchema.optional(),
});

/** The logical answer to one exchange. */
export const EngagementAnswerSchema = z.object({
  cycleId: count,
  targets: z.array(EngagementTargetReportSchema),
});

/**
 * Compact wire request (one chunk). Group names are sent once in `groups` and referenced by index, and each target
 * is a tuple `[id, invites, groupIndexes]`, which keeps 10,000 targets under 40 bytes each after gzip. `fence` is the
 * fencing token every target of the chunk is published under: a platform that keeps the highest token it applied per
 * target refuses a late allowance from a replica that has since lost the Lease (error `STALE_FENCE`).
 */
export const EngagementWireRequestSchema = z.object({
  v: z.literal(ENGAGEMENT_WIRE_VERSION),
  cluster: z.string().min(1),
  cycle: count,
  intervalMs: z.int().positive(),
  publisher: z.string().min(1),
  part: z.tuple([count, z.int().positive()]).describe('[index, count] of this chunk within the cycle'),
  // Optional, so a platform that does not fence and an operator without leader election still speak v1.
  fence: FencingTokenSchema.optional(),
  groups: z.array(z.string().min(1)),
  targets: fastChecked(
    z.array(z.tuple([z.string().min(1), count, z.array(count)])),
    everyOf(
      (t) => Array.isArray(t) && t.length === 3 && isNonEmptyString(t[0]) && isCount(t[1]) && areCounts(t[2]),
    ),
  ),
});

const AnswerTargetTupleSchema = z.tuple([z.string().min(1), count, count, count, count, count]);
const AnswerErrorTupleSchema = z.tuple([z.string().min(1), z.string().min(1), z.string()]);

/** The answer's target tuples, validated by a fast loop (see {@link fastChecked}): 10,000 of them per cycle. */
const AnswerTargetsSchema = fastChecked(
  z.array(AnswerTargetTupleSchema),
  everyOf(
    (t) =>
      Array.isArray(t) &&
      t.length === 6 &&
      isNonEmptyString(t[0]) &&
      isCount(t[1]) &&
      isCount(t[2]) &&
      isCount(t[3]) &&
      isCount(t[4]) &&
      isCount(t[5]),
  ),
);

/**
 * Compact wire answer (one chunk): `targets` tuples `[id, pending, sentTotal, acceptedTotal, declinedTotal,
 * expiredTotal]`; `errors` tuples `[id, code, message]`. A target may appear in both (counters known, but in
 * error) or only in `errors` (counters unknown).
 */
export const EngagementWireAnswerSchema = z.object({
  v: z.literal(ENGAGEMENT_WIRE_VERSION),
  cycle: count,
  targets: AnswerTargetsSchema,
  errors: z.array(AnswerErrorTupleSchema).optional(),
});

/**
 * A logical request as callers hold it (read-only arrays accepted); the same shape as {@link EngagementRequest}.
 */
export interface EngagementRequestInput {
  readonly clusterId: string;
  readonly cycleId: number;
  readonly intervalMs: number;
  readonly publisher: string;
  readonly targets: readonly {
    readonly id: string;
    readonly invites: number;
    readonly groups: readonly string[];
    /** The fencing token of the lease this target is published under; absent without leader election. */
    readonly fence?: string | undefined;
  }[];
}

/** Logical exchange request (see {@link EngagementRequestSchema}). */
export type EngagementRequest = z.infer<typeof EngagementRequestSchema>;
/** One target's allowance in a request. */
export type EngagementAllowance = z.infer<typeof EngagementAllowanceSchema>;
/** Logical exchange answer. */
export type EngagementAnswer = z.infer<typeof EngagementAnswerSchema>;
/** One target's report in an answer. */
export type EngagementTargetReport = z.infer<typeof EngagementTargetReportSchema>;
/** A per-target error code and message. */
export type EngagementTargetIssue = z.infer<typeof EngagementTargetIssueSchema>;
/** One compact wire request chunk. */
export type EngagementWireRequest = z.infer<typeof EngagementWireRequestSchema>;
/** One compact wire answer chunk. */
export type EngagementWireAnswer = z.infer<typeof EngagementWireAnswerSchema>;
