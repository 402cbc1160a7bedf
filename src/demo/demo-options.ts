import { z } from 'zod';

/** Options of `pacing-operator demo`, parsed once from the command line. */
export const DemoOptionsSchema = z.object({
  durationSeconds: z.coerce
    .number()
    .int()
    .min(10)
    .max(86_400)
    .describe('how long the demo runs before it stops'),
  runDir: z.string().min(1).describe('where logs, the kubeconfig and the report are written'),
  scenario: z.string().min(1).describe('simulator scenario served by the reference servers'),
  examples: z.string().min(1).describe('folder of manifests applied once the operator runs'),
  chart: z.string().min(1).describe('Helm chart that installs the CRDs and RBAC'),
  refreshMs: z.coerce.number().int().min(250).max(60_000).describe('how often the view is redrawn'),
});

/** Parsed demo options. */
export type DemoOptions = z.infer<typeof DemoOptionsSchema>;
