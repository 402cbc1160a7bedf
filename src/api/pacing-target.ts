import { z } from 'zod';
import { agentGroupSchema } from './agent-group.js';
import { pacingApiGroupVersion, pacingTargetNames } from './api-group.js';
import { withCelRule } from './cel-rule.js';
import { conditionListSchema } from './condition.js';
import { objectMetaSchema } from './object-meta.js';
import { defaultOptimizationGoalPercent, optimizationGoalField } from './optimization-goal.js';
import { objectNameField } from './secret-reference.js';

/** Most agent groups of one target. */
export const maxAgentGroupsPerTarget = 50;

/** A media type is one lower-case word such as chat, voice or email. */
export const mediaPattern = '^[a-z][a-z0-9_-]*$';

const mediaMessage =
  'virtualQueue.media must be one media type word such as chat or voice (a-z, 0-9, "-", "_")';
const queueNameMessage = 'virtualQueue.name must be 1 to 255 characters';

/** The virtual queue a PacingTarget paces, for one media type. */
export const virtualQueueSchema = z
  .object({
    name: z
      .string({ message: queueNameMessage })
      .min(1, { message: queueNameMessage })
      .max(255, { message: queueNameMessage })
      .meta({
        description: 'Name of the virtual queue, as the statistics source reports it, e.g. "Proactive Chat".',
      }),
    media: withCelRule(
      z
        .string({ message: mediaMessage })
        .min(1, { message: mediaMessage })
        .max(63, { message: mediaMessage })
        .meta({ description: 'The single media type of the target, e.g. chat or voice.' }),
      { rule: `self.matches('${mediaPattern}')`, message: mediaMessage },
      (value) => new RegExp(mediaPattern).test(value),
    ),
  })
  .meta({
    description: 'The virtual queue and media type; the target id is name:media, e.g. "Proactive Chat:chat".',
  });

/** Desired state of a PacingTarget. */
export const pacingTargetSpecSchema = z
  .object({
    clusterRef: z
      .object({
        name: objectNameField(
          'clusterRef.name',
          'Name of the PacingCluster, in the namespace of this target.',
        ),
      })
      .meta({ description: 'The PacingCluster that paces this target (same namespace).' }),
    virtualQueue: virtualQueueSchema,
    optimizationGoal: optimizationGoalField(
      `Abandonment goal in percent for this target; overrides the cluster's optimizationGoal (${defaultOptimizationGoalPercent} when neither sets one).`,
    ).optional(),
    agentGroups: withCelRule(
      z
        .array(agentGroupSchema)
        .min(1, { message: 'agentGroups must list at least one group' })
        .max(maxAgentGroupsPerTarget, {
          message: `agentGroups must list at most ${maxAgentGroupsPerTarget} groups`,
        })
        .meta({
          description: `Agent groups serving the virtual queue (1 to ${maxAgentGroupsPerTarget}, names unique). A group may serve several targets (blended agents); its free capacity is split between them, never promised twice.`,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
        }),
      {
        rule: 'self.all(g, self.exists_one(h, h.name == g.name))',
        message: 'agentGroups[].name must be unique within the target',
      },
      (groups) => new Set(groups.map((group) => group.name)).size === groups.length,
    ),
    maxInvitesPerInterval: z
      .int({ message: 'maxInvitesPerInterval must be an integer between 0 and 1000000' })
      .min(0, { message: 'maxInvitesPerInterval must be an integer between 0 and 1000000' })
      .max(1_000_000, { message: 'maxInvitesPerInterval must be an integer between 0 and 1000000' })
      .optional()
      .meta({ description: 'Hard cap on invitations per refresh period. No cap when absent.' }),
    paused: z
      .boolean({ message: 'paused must be true or false' })
      .meta({ description: 'When true the target gets 0 invitations (and keeps its learned state).' })
      .default(false),
  })
  .meta({ description: 'Desired state of the PacingTarget.' });

/** PacingTarget spec with defaults applied. */
export type PacingTargetSpec = z.infer<typeof pacingTargetSpecSchema>;

/** Observed state of a PacingTarget: a sample of the last cycles, written at most once per statusUpdatePeriod. */
export const pacingTargetStatusSchema = z
  .object({
    conditions: conditionListSchema.optional(),
    observedGeneration: z
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .meta({ description: 'metadata.generation of the spec this status describes.' }),
    effectiveOptimizationGoal: z.number().min(0).max(100).optional().meta({
      description: 'The abandonment goal in force, in percent, after the cluster default is applied.',
    }),
    invitesPerInterval: z
      .int()
      .min(0)
      .optional()
      .meta({ description: 'Invitations allowed in the last refresh period.' }),
    freeSlots: z.int().min(0).optional().meta({
      description: 'Free agent slots credited to this target in the last cycle (after the blended split).',
    }),
    waiting: z
      .int()
      .min(0)
      .optional()
      .meta({ description: 'Proactive interactions waiting in the virtual queue at the last snapshot.' }),
    pendingInvitations: z.int().min(0).optional().meta({
      description: 'Invitations sent but not yet accepted or declined, as the engagement platform reports.',
    }),
    observedAbandonmentPercent: z.number().min(0).max(100).optional().meta({
      description: 'Observed share of accepted interactions abandoned before an agent joined, in percent.',
    }),
    occupancyPercent: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .meta({ description: 'Busy share of the agent slots serving this target, in percent.' }),
    lastUpdateTime: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'When this status was last written.' }),
  })
  .meta({ description: 'Observed state of the PacingTarget.' });

/** PacingTarget status. */
export type PacingTargetStatus = z.infer<typeof pacingTargetStatusSchema>;

/** A whole PacingTarget object as read from the API server. */
export const pacingTargetSchema = z.object({
  apiVersion: z.literal(pacingApiGroupVersion),
  kind: z.literal(pacingTargetNames.kind),
  metadata: objectMetaSchema,
  spec: pacingTargetSpecSchema,
  status: pacingTargetStatusSchema.optional(),
});

/** A PacingTarget with defaults applied. */
export type PacingTarget = z.infer<typeof pacingTargetSchema>;

/** Description of the kind, shown by `kubectl explain pacingtarget`. */
export const pacingTargetDescription =
  'PacingTarget is one media-specific virtual queue and the agent groups that serve it; its PacingCluster decides every refresh period how many proactive invitations it may send.';
