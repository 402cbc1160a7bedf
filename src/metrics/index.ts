// Public surface of src/metrics: the registry, the pacing metric definitions and the metrics/health server.
export { createMetricsRegistry, type MetricsRegistryOptions } from './metrics-registry.js';
export { PacingMetrics, type TargetFigures, type EngagementRequestFigures } from './pacing-metrics.js';
export {
  EventLoopHealth,
  type EventLoopHealthOptions,
  type EventLoopHealthReport,
  type HealthClock,
} from './event-loop-health.js';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './http-server.js';
