import { pino } from 'pino';
import { Registry } from 'prom-client';
import type { AlarmEventRecord } from '../../../src/alarms/index.js';
import { validatePacingCluster } from '../../../src/api/index.js';
import { OperatorAlarms } from '../../../src/cli/operator-alarms.js';
import type { CycleOutcomeSink } from '../../../src/engine/index.js';
import { aClusterSpec, aPacingCluster, withField } from '../../support/pacing-manifests.js';

function aValidatedCluster(detectAfter: string) {
  const result = validatePacingCluster(
    aPacingCluster(withField(aClusterSpec(), 'alarms', { detectAfter }), 'main', 'tenant-a'),
  );
  if (!result.isValid) throw new Error(result.message);
  return result;
}

const failedCycle = (startedAtMs: number) => ({
  clusterKey: 'tenant-a/main',
  startedAtMs,
  durationMs: 0,
  isPublished: true,
  engagement: {
    isHealthy: false,
    reason: 'Unreachable',
    message: 'engagement exchange failed: ECONNREFUSED',
  },
  targets: [],
});

describe('OperatorAlarms', () => {
  it("raises a cluster alarm after the spec's detectAfter, as a metric, a Warning Event and a Degraded summary", async () => {
    const registry = new Registry();
    const events: AlarmEventRecord[] = [];
    const degraded: string[] = [];
    let nowMs = 0;
    const alarms = new OperatorAlarms({
      registry,
      recorder: { record: (e) => events.push(e) },
      logger: pino({ level: 'silent' }),
      nowMs: () => nowMs,
      onDegradedChange: (cluster, summary) =>
        degraded.push(`${cluster.namespace}/${cluster.cluster} ${summary.reason}`),
    });
    try {
      const port: CycleOutcomeSink = alarms; // fits the engine's sink port as extraSinks wants it
      const { cluster, durationsMs } = aValidatedCluster('5s');
      alarms.rememberCluster(cluster, durationsMs);
      port.cycleCompleted({
        ...failedCycle(0),
        cycleId: 1,
        slotStartMs: 0,
        stats: { isHealthy: true, reason: 'Fetched', message: '' },
      });
      alarms.cycleCompleted(failedCycle(4_999));
      expect(events).toEqual([]);
      alarms.cycleCompleted(failedCycle(5_000));
      expect(events.map((e) => `${e.type} ${e.reason} ${e.regarding.kind}/${e.regarding.name}`)).toEqual([
        'Warning PacingRequestsFailed PacingCluster/main',
      ]);
      expect(await registry.metrics()).toContain(
        'pacing_alarm_active{alarm="PacingRequestsFailed",namespace="tenant-a",cluster="main",target=""} 1',
      );
      expect(degraded).toEqual(['tenant-a/main AlarmActive']);
      expect(alarms.degradedSummaryFor('tenant-a', 'main').message).toBe('PacingRequestsFailed');

      nowMs = 6_000;
      alarms.workerStopped('tenant-a/main');
      expect(events.at(-1)).toMatchObject({ type: 'Normal', reason: 'PacingRequestsFailedCancelled' });
      expect(degraded.at(-1)).toBe('tenant-a/main NoAlarms');
    } finally {
      alarms.close();
    }
  });
});
