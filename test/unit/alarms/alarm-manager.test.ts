import { pino } from 'pino';
import { AlarmManager, type Alarm, type AlarmSink } from '../../../src/alarms/index.js';

class RecordingSink implements AlarmSink {
  readonly events: string[] = [];
  readonly alarms: Alarm[] = [];
  onDetect(alarm: Alarm): void {
    this.events.push(`detect ${alarm.name} ${alarm.subject.target ?? '-'}`);
    this.alarms.push(alarm);
  }
  onCancel(alarm: Alarm): void {
    this.events.push(`cancel ${alarm.name} ${alarm.subject.target ?? '-'}`);
    this.alarms.push(alarm);
  }
}

const cluster = { namespace: 'tenant-a', cluster: 'main' };
const silent = pino({ level: 'silent' });

function aManager(sinks: AlarmSink[] = [new RecordingSink()]): AlarmManager {
  return new AlarmManager({ sinks, logger: silent });
}

describe('AlarmManager', () => {
  it.each([
    ['PACING_ERR_ENGAGEMENT_REQUEST_FAILED', 'PacingRequestsFailed'],
    ['PACING_ERR_ENGAGEMENT_TARGET', 'PacingResponseTargetError'],
    ['PACING_ERR_ENGAGEMENT_VALIDATION', 'PacingResponseValidationError'],
  ])('maps the error code %s to the alarm %s and detects it once the errors persist', (code, alarm) => {
    const sink = new RecordingSink();
    const manager = aManager([sink]);
    const error = { code, message: 'boom' };
    expect(manager.reportError(error, cluster, 0)).toBe(alarm);
    manager.reportError(error, cluster, 10_000);
    expect(sink.events).toEqual([]);
    manager.reportError(error, cluster, 20_000);
    expect(sink.events).toEqual([`detect ${alarm} -`]);
    expect(sink.alarms[0]).toMatchObject({ message: 'boom', detectedAtMs: 20_000, subject: cluster });
  });

  it('ignores error codes that raise no alarm', () => {
    const manager = aManager();
    expect(
      manager.reportError({ code: 'PACING_ERR_STATS_STALE', message: 'old' }, cluster, 0),
    ).toBeUndefined();
    expect(manager.active()).toEqual([]);
  });

  it('cancels after the condition stays clear for the cancel delay and reports the time', () => {
    const sink = new RecordingSink();
    const manager = new AlarmManager({
      sinks: [sink],
      logger: silent,
      timings: { PacingRequestsFailed: { detectAfterMs: 0, cancelAfterMs: 30_000 } },
    });
    manager.reportError(
      { code: 'PACING_ERR_ENGAGEMENT_REQUEST_FAILED', message: 'ECONNREFUSED' },
      cluster,
      0,
    );
    manager.reportClear('PacingRequestsFailed', cluster, 10_000);
    expect(manager.active().map((a) => a.name)).toEqual(['PacingRequestsFailed']);
    manager.reportClear('PacingRequestsFailed', cluster, 40_000);
    expect(sink.events).toEqual(['detect PacingRequestsFailed -', 'cancel PacingRequestsFailed -']);
    expect(sink.alarms[1]).toMatchObject({ detectedAtMs: 0, cancelledAtMs: 40_000, message: 'ECONNREFUSED' });
    expect(manager.active()).toEqual([]);
  });

  it('keeps one alarm per subject, so two targets detect and cancel independently', () => {
    const sink = new RecordingSink();
    const manager = new AlarmManager({
      sinks: [sink],
      logger: silent,
      timings: { PacingResponseTargetError: { detectAfterMs: 0, cancelAfterMs: 0 } },
    });
    const error = { code: 'PACING_ERR_ENGAGEMENT_TARGET', message: 'unknown target' };
    manager.reportError(error, { ...cluster, target: 'chat-en' }, 0);
    manager.reportError(error, { ...cluster, target: 'voice-es' }, 0);
    manager.reportClear('PacingResponseTargetError', { ...cluster, target: 'chat-en' }, 1);
    expect(sink.events).toEqual([
      'detect PacingResponseTargetError chat-en',
      'detect PacingResponseTargetError voice-es',
      'cancel PacingResponseTargetError chat-en',
    ]);
    expect(manager.active().map((a) => a.subject.target)).toEqual(['voice-es']);
  });

  it('still tells the other sinks and logs the failure when one sink throws', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const broken: AlarmSink = {
      onDetect: () => {
        throw new Error('apiserver down');
      },
      onCancel: () => undefined,
    };
    const sink = new RecordingSink();
    const manager = new AlarmManager({
      sinks: [broken, sink],
      logger,
      timings: { HeapMemoryUsage: { detectAfterMs: 0, cancelAfterMs: 0 } },
    });
    manager.observe('HeapMemoryUsage', cluster, { isBreaching: true, nowMs: 0, message: 'heap 91 %' });
    expect(sink.events).toEqual(['detect HeapMemoryUsage -']);
    const failure = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'alarm sink failed');
    expect(failure).toMatchObject({
      alarm: 'HeapMemoryUsage',
      namespace: 'tenant-a',
      cluster: 'main',
      level: 50,
    });
  });

  it('logs a structured line per transition', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const manager = new AlarmManager({
      sinks: [],
      logger,
      timings: { GCLatency: { detectAfterMs: 0, cancelAfterMs: 0 } },
    });
    manager.observe('GCLatency', cluster, { isBreaching: true, nowMs: 0, message: 'paused 1500 ms' });
    manager.observe('GCLatency', cluster, { isBreaching: false, nowMs: 1 });
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed).toEqual([
      expect.objectContaining({
        msg: 'alarm detected',
        alarm: 'GCLatency',
        namespace: 'tenant-a',
        cluster: 'main',
        level: 40,
      }),
      expect.objectContaining({
        msg: 'alarm cancelled',
        alarm: 'GCLatency',
        reason: 'paused 1500 ms',
        level: 30,
      }),
    ]);
  });

  it('forget cancels the matching active alarms at once and drops their pending breaches', () => {
    const sink = new RecordingSink();
    const manager = new AlarmManager({
      sinks: [sink],
      logger: silent,
      timings: { PacingResponseTargetError: { detectAfterMs: 0, cancelAfterMs: 60_000 } },
    });
    const error = { code: 'PACING_ERR_ENGAGEMENT_TARGET', message: 'failed' };
    manager.reportError(error, { ...cluster, target: 'chat-en' }, 0);
    manager.reportError(error, { namespace: 'tenant-b', cluster: 'main', target: 'chat-en' }, 0);
    const cancelled = manager.forget((s) => s.namespace === 'tenant-a', 5, 'PacingTarget deleted');
    expect(cancelled).toBe(1);
    expect(sink.alarms.at(-1)).toMatchObject({ message: 'PacingTarget deleted', cancelledAtMs: 5 });
    expect(manager.active().map((a) => a.subject.namespace)).toEqual(['tenant-b']);
  });

  it("applies the timing passed with an observation, such as the cluster spec's detectAfter", () => {
    const sink = new RecordingSink();
    const manager = aManager([sink]);
    const timing = { detectAfterMs: 5_000, cancelAfterMs: 5_000 };
    manager.observe('HeapMemoryUsage', cluster, { isBreaching: true, nowMs: 0, timing });
    manager.observe('HeapMemoryUsage', cluster, { isBreaching: true, nowMs: 5_000, timing });
    manager.observe('HeapMemoryUsage', cluster, { isBreaching: false, nowMs: 6_000, timing });
    manager.observe('HeapMemoryUsage', cluster, { isBreaching: false, nowMs: 11_000, timing });
    expect(sink.events).toEqual(['detect HeapMemoryUsage -', 'cancel HeapMemoryUsage -']);
  });

  it('filters the active alarms', () => {
    const manager = new AlarmManager({
      sinks: [],
      logger: silent,
      timings: { HeapMemoryUsage: { detectAfterMs: 0, cancelAfterMs: 0 } },
    });
    manager.observe('HeapMemoryUsage', cluster, { isBreaching: true, nowMs: 0 });
    manager.observe('HeapMemoryUsage', { namespace: 'other', cluster: 'x' }, { isBreaching: true, nowMs: 0 });
    expect(manager.active((a) => a.subject.namespace === 'other').map((a) => a.subject.cluster)).toEqual([
      'x',
    ]);
  });

  it('rejects a negative timing override, naming the alarm', () => {
    expect(
      () =>
        new AlarmManager({
          sinks: [],
          logger: silent,
          timings: { GCFrequency: { detectAfterMs: 0, cancelAfterMs: -5 } },
        }),
    ).toThrow('timings.GCFrequency.cancelAfterMs must be a finite number >= 0, got -5');
  });
});
