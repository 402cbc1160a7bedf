import { z } from 'zod';

/**
 * The alarms the operator raises. The five vendor alarm conditions keep their names (the vendor's "GC Latency"
 * and "Heap Memory Usage" lose their spaces so they can be Prometheus label values); `GCFrequency` is ours:
 * the vendor has a GC frequency threshold but no alarm condition named after it.
 */
export const alarmNameSchema = z.enum([
  'GCLatency',
  'GCFrequency',
  'HeapMemoryUsage',
  'PacingRequestsFailed',
  'PacingResponseTargetError',
  'PacingResponseValidationError',
]);

/** One alarm name, e.g. `PacingRequestsFailed`. */
export type AlarmName = z.infer<typeof alarmNameSchema>;

/** Every alarm name, in declaration order. */
export const alarmNames: readonly AlarmName[] = alarmNameSchema.options;
