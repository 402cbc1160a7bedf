import { pino } from 'pino';
import { alarmThresholdsSchema, parseDurationMs } from '../../../src/api/index.js';
import {
  AlarmManager,
  observeRuntimeAlarms,
  type Alarm,
  type RuntimeAlarmThresholds,
} from '../../../src/alarms/index.js';

describe('observeRuntimeAlarms', () => {
  it("takes a PacingCluster's spec.alarms as the api schema parses it, defaults included", () => {
    const alarms = alarmThresholdsSchema.parse({});
    const thresholds: RuntimeAlarmThresholds = alarms;
    expect(thresholds).toMatchObject({ heapUsageRatio: 0.8, gcLatencyMs: 1000, gcFrequencyPerMinute: 24 });
    const detected: Alarm[] = [];
    const manager = new AlarmManager({
      sinks: [{ onDetect: (a) => detected.push(a), onCancel: () => undefined }],
      logger: pino({ level: 'silent' }),
    });
    const detectAfterMs = parseDurationMs(alarms.detectAfter);
    const sample = { heapUsedRatio: 0.85, maxGcPauseMs: 1_200, gcCountPerMinute: 30 };
    const cluster = { namespace: 'ns', cluster: 'main' };
    observeRuntimeAlarms(manager, cluster, sample, thresholds, 0, detectAfterMs);
    observeRuntimeAlarms(manager, cluster, sample, thresholds, detectAfterMs, detectAfterMs);
    expect(detected.map((a) => a.name).sort()).toEqual(['GCFrequency', 'GCLatency', 'HeapMemoryUsage']);
    expect(detected.every((a) => a.detectedAtMs === 30_000)).toBe(true);
  });
});
