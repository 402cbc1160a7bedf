import { collectDefaultMetrics, Registry } from 'prom-client';

/** Options of {@link createMetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Also collect the Node.js process metrics (heap, GC, event-loop lag, CPU). Default true. */
  collectProcessMetrics?: boolean;
}

/**
 * The one metrics registry of a process, built in the composition root and passed down. Nothing registers on
 * prom-client's global default registry, so tests can build as many independent registries as they like.
 */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.collectProcessMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
