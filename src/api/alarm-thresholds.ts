import { z } from 'zod';
import { durationField } from './duration.js';

/** Thresholds of the runtime alarms of a PacingCluster (the vendor's Heap Memory Usage, GC Latency, GC Frequency). */
export const alarmThresholdsSchema = z
  .object({
    heapUsageRatio: z
      .number({ message: 'alarms.heapUsageRatio must be a number between 0.1 and 1' })
      .min(0.1, { message: 'alarms.heapUsageRatio must be a number between 0.1 and 1' })
      .max(1, { message: 'alarms.heapUsageRatio must be a number between 0.1 and 1' })
      .meta({
        description: 'Heap Memory Usage alarm: used heap divided by the heap limit, above which it fires.',
      })
      .default(0.8),
    gcLatencyMs: z
      .int({ message: 'alarms.gcLatencyMs must be an integer between 1 and 60000' })
      .min(1, { message: 'alarms.gcLatencyMs must be an integer between 1 and 60000' })
      .max(60_000, { message: 'alarms.gcLatencyMs must be an integer between 1 and 60000' })
      .meta({
        description: 'GC Latency alarm: longest garbage-collection pause in milliseconds before it fires.',
      })
      .default(1000),
    gcFrequencyPerMinute: z
      .int({ message: 'alarms.gcFrequencyPerMinute must be an integer between 1 and 6000' })
      .min(1, { message: 'alarms.gcFrequencyPerMinute must be an integer between 1 and 6000' })
      .max(6000, { message: 'alarms.gcFrequencyPerMinute must be an integer between 1 and 6000' })
      .meta({ description: 'GC Frequency alarm: garbage collections per minute above which it fires.' })
      .default(24),
    detectAfter: durationField({
      field: 'alarms.detectAfter',
      min: '1s',
      max: '1h',
      description:
        'How long a threshold must stay exceeded before its alarm fires (and stay clear before it clears).',
    }).default('30s'),
  })
  .meta({ description: 'Alarm thresholds; every field has a default.' });

/** Alarm thresholds, defaults applied. */
export type AlarmThresholds = z.infer<typeof alarmThresholdsSchema>;
