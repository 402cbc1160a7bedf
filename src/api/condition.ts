import { z } from 'zod';

/** Status of a condition, as in metav1.Condition. */
export const conditionStatusSchema = z.enum(['True', 'False', 'Unknown']).meta({
  description: 'Status of the condition: True, False or Unknown.',
});

/** One of True, False, Unknown. */
export type ConditionStatus = z.infer<typeof conditionStatusSchema>;

/** metav1.Condition, field for field (bounds and patterns copied from the upstream generated schema). */
export const conditionSchema = z
  .object({
    type: z
      .string()
      .min(1)
      .max(316)
      .regex(
        /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/,
      )
      .meta({ description: 'Type of condition in CamelCase, e.g. Ready.' }),
    status: conditionStatusSchema,
    observedGeneration: z
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .optional()
      .meta({ description: 'metadata.generation of the object the condition was set for.' }),
    lastTransitionTime: z.iso
      .datetime({ offset: true })
      .meta({ description: 'Last time the condition moved from one status to another.' }),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
      .meta({ description: 'Programmatic identifier of the reason for the last transition, in CamelCase.' }),
    message: z
      .string()
      .max(32768)
      .meta({ description: 'Human readable message with details about the transition; may be empty.' }),
  })
  .meta({ description: 'A condition of the object, following metav1.Condition.' });

/** One condition entry of a status; `type` is a plain string here, narrowed by each kind's condition types. */
export type Condition = z.infer<typeof conditionSchema>;

/** The `conditions` list of a status: keyed by `type` for server-side apply and strategic merges. */
export const conditionListSchema = z
  .array(conditionSchema)
  .max(16)
  .meta({
    description: 'Current state of the object as a list of conditions, one per type.',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  });
