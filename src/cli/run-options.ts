import { hostname } from 'node:os';
import { z } from 'zod';
import { parseDurationMs } from '../api/index.js';

const durationText = (field: string) =>
  z
    .string()
    .refine((text) => {
      try {
        parseDurationMs(text);
        return true;
      } catch {
        return false;
      }
    }, `--${field} must be a duration like "15s", "500ms" or "1m"`)
    .transform((text) => parseDurationMs(text));

/** The `run` command's flags as commander hands them over, parsed once here and passed down. */
export const runOptionsSchema = z
  .object({
    kubeconfig: z.string().min(1).optional(),
    leaderElect: z.boolean().default(false),
    leaseNamespace: z.string().min(1).optional(),
    leaseName: z.string().min(1).default('agent-pacing-operator'),
    identity: z.string().min(1).max(253).optional(),
    leaseDuration: durationText('lease-duration').default(15_000),
    renewDeadline: durationText('renew-deadline').default(10_000),
    retryPeriod: durationText('retry-period').default(2_000),
    metricsPort: z.coerce.number().int().min(0).max(65_535).default(8080),
    metricsBindAddress: z.string().min(1).default('0.0.0.0'),
    shards: z.coerce
      .number()
      .int()
      .min(1, '--shards must be at least 1')
      .max(1024, '--shards must be at most 1024')
      .default(1),
    watchNamespace: z.array(z.string().min(1)).default([]),
    watchNamespaces: z.string().optional(),
    stateNamespace: z.string().min(1).optional(),
    logFormat: z.enum(['json', 'pretty']).default('json'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    statusWritesPerSecond: z.coerce.number().positive().default(20),
    statusRefreshWritesPerSecond: z.coerce
      .number()
      .positive({ message: '--status-refresh-writes-per-second must be above 0' })
      .optional(),
    statusRefreshWindowMs: z.coerce
      .number({ message: '--status-refresh-window-ms must be a number of ms' })
      .int('--status-refresh-window-ms must be a whole number of ms')
      .min(0, '--status-refresh-window-ms must be 0 (spread over the period) or more')
      .default(1000),
    memorySoftLimitMib: z.coerce
      .number({ message: '--memory-soft-limit-mib must be a number of MiB' })
      .int('--memory-soft-limit-mib must be a whole number of MiB')
      .min(0, '--memory-soft-limit-mib must be 0 (off) or more')
      .default(0),
    heapGrowingPercent: z.coerce
      .number({ message: '--heap-growing-percent must be a number' })
      .int('--heap-growing-percent must be a whole number')
      .min(0, "--heap-growing-percent must be 0 (V8's own factor) or more")
      .max(1000, '--heap-growing-percent must be at most 1000')
      .default(0),
  })
  // Shards are Leases: without leader election nothing would decide who paces which shard.
  .refine((o) => o.shards === 1 || o.leaderElect, {
    message: '--shards above 1 needs --leader-elect (each shard is a Lease held by one replica)',
    path: ['shards'],
  });

/** The run flags after parsing. */
export type RunOptions = z.infer<typeof runOptionsSchema>;

/** What the environment contributes (the pod's name and namespace from the downward API). */
export interface RunEnvironment {
  /** POD_NAME, when set. */
  readonly podName?: string | undefined;
  /** POD_NAMESPACE, when set. */
  readonly podNamespace?: string | undefined;
}

/** Settings derived from flags and environment, with every default settled here. */
export interface RunSettings {
  readonly options: RunOptions;
  /** Unique identity: the flag, else `<pod or host name>_<8 hex>`. */
  readonly identity: string;
  /** Namespaces to watch (repeatable --watch-namespace plus comma-separated --watch-namespaces). */
  readonly watchNamespaces: string[];
  /** Namespace of the Lease and the learned-state ConfigMaps. */
  readonly operatorNamespace: string;
}

/** Resolves identity, namespaces and the operator namespace from parsed flags and the environment. */
export function resolveRunSettings(
  options: RunOptions,
  env: RunEnvironment,
  random: () => number,
): RunSettings {
  const suffix = Math.floor(random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
  const identity = options.identity ?? `${env.podName ?? hostname()}_${suffix}`;
  const fromList = (options.watchNamespaces ?? '')
    .split(',')
    .map((ns) => ns.trim())
    .filter((ns) => ns.length > 0);
  const watchNamespaces = [...new Set([...options.watchNamespace, ...fromList])];
  const operatorNamespace = options.leaseNamespace ?? options.stateNamespace ?? env.podNamespace ?? 'default';
  return { options, identity, watchNamespaces, operatorNamespace };
}
