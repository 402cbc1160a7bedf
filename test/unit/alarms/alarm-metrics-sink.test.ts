import { pino } from 'pino';
import { Registry } from 'prom-client';
import { AlarmManager, AlarmMetricsSink } from '../../../src/alarms/index.js';

describe('AlarmMetricsSink', () => {
  it('exposes pacing_alarm_active and counts detections with alarm, namespace, cluster and target labels', async () => {
    const registry = new Registry();
    const manager = new AlarmManager({
      sinks: [new AlarmMetricsSink(registry)],
      logger: pino({ level: 'silent' }),
      timings: { PacingResponseTargetError: { detectAfterMs: 0, cancelAfterMs: 0 } },
    });
    const subject = { namespace: 'tenant-a', cluster: 'main', target: 'chat-en' };
    const error = { code: 'PACING_ERR_ENGAGEMENT_TARGET', message: 'unknown target' };
    manager.reportError(error, subject, 0);
    let text = await registry.metrics();
    expect(text).toContain(
      'pacing_alarm_active{alarm="PacingResponseTargetError",namespace="tenant-a",cluster="main",target="chat-en"} 1',
    );
    manager.reportClear('PacingResponseTargetError', subject, 1);
    manager.reportError(error, subject, 2);
    manager.reportClear('PacingResponseTargetError', subject, 3);
    text = await registry.metrics();
    expect(text).toContain(
      'pacing_alarm_active{alarm="PacingResponseTargetError",namespace="tenant-a",cluster="main",target="chat-en"} 0',
    );
    expect(text).toContain(
      'pacing_alarm_detections_total{alarm="PacingResponseTargetError",namespace="tenant-a",cluster="main",target="chat-en"} 2',
    );
  });

  it('gives cluster-wide alarms an empty target label', async () => {
    const registry = new Registry();
    const sink = new AlarmMetricsSink(registry);
    sink.onDetect({
      name: 'PacingRequestsFailed',
      subject: { namespace: 'ns', cluster: 'c' },
      message: 'x',
      detectedAtMs: 0,
    });
    expect(await registry.metrics()).toContain(
      'pacing_alarm_active{alarm="PacingRequestsFailed",namespace="ns",cluster="c",target=""} 1',
    );
  });
});
