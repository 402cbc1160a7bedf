import { z } from 'zod';

/**
 * The part of metav1.ObjectMeta the operator reads. Unknown keys (managedFields, ownerReferences, …) are kept,
 * because objects are written back with their metadata.
 */
export const objectMetaSchema = z.looseObject({
  name: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.int().min(0).optional(),
  creationTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});

/** Object metadata as read from the API server. */
export type ObjectMeta = z.infer<typeof objectMetaSchema>;
