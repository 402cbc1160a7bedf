import { z } from 'zod';
import { alarmThresholdsSchema } from './alarm-thresholds.js';
import { pacingApiGroupVersion, pacingClusterNames } from './api-group.js';
import { conditionListSchema } from './condition.js';
import { durationField } from './duration.js';
import { engagementEndpointSchema } from './engagement-endpoint.js';
import { objectMetaSchema } from './object-meta.js';
import { defaultOptimizationGoalPercent, optimizationGoalField } from './optimization-goal.js';
import { pacingPolicyNameSchema } from './pacing-policy-name.js';
import { statsSourceSchema } from './stats-source.js';

/** Desired state of a PacingCluster: one tenant's statistics source, engagement endpoint and pacing defaults. */
export const pacingClusterSpecSchema = z
  .object({
    refreshPeriod: durationField({
      field: 'refreshPeriod',
      min: '1s',
      max: '5m',
      description: 'How often a pacing cycle runs: read statistics, decide, publish allowances.',
    }).default('5s'),
    optimizationGoal: optimizationGoalField(
      `Default abandonment goal in percent for targets that set none: the share of accepted proactive interactions that may be abandoned before an agent joins. Defaults to ${defaultOptimizationGoalPercent}.`,
    ).default(defaultOptimizationGoalPercent),
    policy: pacingPolicyNameSchema.default('adaptive'),
    statsSource: statsSourceSchema,
    engagement: engagementEndpointSchema,
    alarms: alarmThresholdsSchema.prefault({}),
    statusUpdatePeriod: durationField({
      field: 'statusUpdatePeriod',
      min: '1s',
      max: '10m',
      description:
        'Shortest time between two status writes of one object; per-cycle figures go to metrics, status gets a sample.',
    }).default('10s'),
    learnedStateSavePeriod: durationField({
      field: 'learnedStateSavePeriod',
      min: '5s',
      max: '1h',
      description: 'How often the learned pacing state is saved to its ConfigMap.',
    }).default('1m'),
  })
  .meta({ description: 'Desired state of the PacingCluster.' });

/** PacingCluster spec with defaults applied. */
export type PacingClusterSpec = z.infer<typeof pacingClusterSpecSchema>;

/** One shard of a sharded cluster and the replica that paces it. */
export const pacingClusterShardSchema = z
  .object({
    shard: z.int().min(0).max(1023).meta({ description: 'Shard number.' }),
    holder: z
      .string()
      .max(253)
      .meta({ description: 'Identity of the replica that holds the lease of the shard.' }),
  })
  .meta({ description: 'A shard and its holder.' });

/** Observed state of a PacingCluster, written by the lease holder. */
export const pacingClusterStatusSchema = z
  .object({
    conditions: conditionListSchema.optional(),
    observedGeneration: z
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .meta({ description: 'metadata.generation of the spec this status describes.' }),
    leaderIdentity: z.string().max(253).optional().meta({
      description: 'Identity of the replica holding the lease, the only one that publishes allowances.',
    }),
    targetCount: z
      .int()
      .min(0)
      .max(1_000_000)
      .optional()
      .meta({ description: 'Number of PacingTargets of this cluster paced in the last cycle.' }),
    lastCycleTime: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'When the last pacing cycle started.' }),
    lastCycleDurationMs: z
      .number()
      .min(0)
      .optional()
      .meta({ description: 'How long the last pacing cycle took, in milliseconds.' }),
    shards: z
      .array(pacingClusterShardSchema)
      .max(1024)
      .optional()
      .meta({
        description: 'Per-shard lease holders when the cluster is sharded; absent otherwise.',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['shard'],
      }),
  })
  .meta({ description: 'Observed state of the PacingCluster.' });

/** PacingCluster status. */
export type PacingClusterStatus = z.infer<typeof pacingClusterStatusSchema>;

/** A whole PacingCluster object as read from the API server. */
export const pacingClusterSchema = z.object({
  apiVersion: z.literal(pacingApiGroupVersion),
  kind: z.literal(pacingClusterNames.kind),
  metadata: objectMetaSchema,
  spec: pacingClusterSpecSchema,
  status: pacingClusterStatusSchema.optional(),
});

/** A PacingCluster with defaults applied. */
export type PacingCluster = z.infer<typeof pacingClusterSchema>;

/** Description of the kind, shown by `kubectl explain pacingcluster`. */
export const pacingClusterDescription =
  'PacingCluster is one tenant of the pacing service: where statistics come from, where allowances go, and the pacing defaults of its PacingTargets (in the same namespace).';
