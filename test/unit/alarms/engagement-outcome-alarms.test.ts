import { pino } from 'pino';
import {
  AlarmManager,
  recordEngagementOutcome,
  type Alarm,
  type AlarmSink,
} from '../../../src/alarms/index.js';

class RecordingSink implements AlarmSink {
  readonly events: string[] = [];
  onDetect(alarm: Alarm): void {
    this.events.push(`detect ${alarm.name} ${alarm.subject.target ?? '-'}: ${alarm.message}`);
  }
  onCancel(alarm: Alarm): void {
    this.events.push(`cancel ${alarm.name} ${alarm.subject.target ?? '-'}`);
  }
}

const cluster = { namespace: 'tenant-a', cluster: 'main' };
const noTargetErrors = new Map<string, { code: string; message: string }>();
/** Default timings: errors must persist 20 s to detect and stay clear 30 s to cancel. */
function aManager(sink: AlarmSink): AlarmManager {
  return new AlarmManager({ sinks: [sink], logger: pino({ level: 'silent' }) });
}
const cycleTimesMs = [0, 10_000, 20_000];

describe('recordEngagementOutcome', () => {
  it('raises PacingResponseValidationError when the engagement answers stay malformed', () => {
    const sink = new RecordingSink();
    const manager = aManager(sink);
    for (const nowMs of cycleTimesMs) {
      recordEngagementOutcome(
        manager,
        cluster,
        {
          error: { code: 'PACING_ERR_ENGAGEMENT_VALIDATION', message: 'targets[0].pending: expected number' },
          targets: ['chat-en'],
          targetErrors: noTargetErrors,
        },
        nowMs,
      );
    }
    expect(sink.events).toEqual([
      'detect PacingResponseValidationError -: targets[0].pending: expected number',
    ]);
  });

  it.each([
    ['an unknown target', 'PACING_ERR_ENGAGEMENT_TARGET', 'unknown target id "Sales:chat"'],
    ['a failed target', 'PACING_ERR_ENGAGEMENT_TARGET', 'target rejected: queue disabled'],
  ])('raises PacingResponseTargetError for %s, on that target only', (_name, code, message) => {
    const sink = new RecordingSink();
    const manager = aManager(sink);
    for (const nowMs of cycleTimesMs) {
      recordEngagementOutcome(
        manager,
        cluster,
        { targets: ['chat-en', 'chat-es'], targetErrors: new Map([['chat-es', { code, message }]]) },
        nowMs,
      );
    }
    expect(sink.events).toEqual([`detect PacingResponseTargetError chat-es: ${code}: ${message}`]);
  });

  it('raises PacingRequestsFailed when the exchange keeps failing, whatever the failure code', () => {
    const sink = new RecordingSink();
    const manager = aManager(sink);
    const codes = [
      'PACING_ERR_ENGAGEMENT_REQUEST_FAILED',
      'PACING_ERR_ENGAGEMENT_AUTH',
      'PACING_ERR_ENGAGEMENT_REQUEST_FAILED',
    ];
    cycleTimesMs.forEach((nowMs, i) =>
      recordEngagementOutcome(
        manager,
        cluster,
        {
          error: { code: codes[i]!, message: 'connect ECONNREFUSED' },
          targets: [],
          targetErrors: noTargetErrors,
        },
        nowMs,
      ),
    );
    expect(sink.events).toEqual([
      'detect PacingRequestsFailed -: PACING_ERR_ENGAGEMENT_REQUEST_FAILED: connect ECONNREFUSED',
    ]);
  });

  it('cancels the cluster alarms after successful exchanges for the cancel delay', () => {
    const sink = new RecordingSink();
    const manager = aManager(sink);
    const failed = {
      error: { code: 'PACING_ERR_ENGAGEMENT_REQUEST_FAILED', message: 'timeout' },
      targets: [],
      targetErrors: noTargetErrors,
    };
    for (const nowMs of cycleTimesMs) recordEngagementOutcome(manager, cluster, failed, nowMs);
    for (const nowMs of [30_000, 40_000, 50_000, 60_000]) {
      recordEngagementOutcome(
        manager,
        cluster,
        { targets: ['chat-en'], targetErrors: noTargetErrors },
        nowMs,
      );
    }
    expect(sink.events).toEqual([
      'detect PacingRequestsFailed -: PACING_ERR_ENGAGEMENT_REQUEST_FAILED: timeout',
      'cancel PacingRequestsFailed -',
    ]);
  });

  it('keeps a target error active while requests fail, since a failed request says nothing about targets', () => {
    const sink = new RecordingSink();
    const manager = new AlarmManager({
      sinks: [sink],
      logger: pino({ level: 'silent' }),
      timings: {
        PacingResponseTargetError: { detectAfterMs: 0, cancelAfterMs: 0 },
        PacingRequestsFailed: { detectAfterMs: 60_000, cancelAfterMs: 0 },
      },
    });
    const targetError = new Map([['chat-en', { code: 'PACING_ERR_ENGAGEMENT_TARGET', message: 'failed' }]]);
    recordEngagementOutcome(manager, cluster, { targets: ['chat-en'], targetErrors: targetError }, 0);
    recordEngagementOutcome(
      manager,
      cluster,
      {
        error: { code: 'PACING_ERR_ENGAGEMENT_REQUEST_FAILED', message: 'x' },
        targets: [],
        targetErrors: noTargetErrors,
      },
      10_000,
    );
    expect(manager.active().map((a) => `${a.name} ${a.subject.target}`)).toEqual([
      'PacingResponseTargetError chat-en',
    ]);
  });

  it('uses the timing it is given instead of the defaults', () => {
    const sink = new RecordingSink();
    const manager = aManager(sink);
    recordEngagementOutcome(
      manager,
      cluster,
      {
        error: { code: 'PACING_ERR_ENGAGEMENT_REQUEST_FAILED', message: 'refused' },
        targets: [],
        targetErrors: noTargetErrors,
      },
      0,
      { detectAfterMs: 0, cancelAfterMs: 0 },
    );
    expect(sink.events).toEqual([
      'detect PacingRequestsFailed -: PACING_ERR_ENGAGEMENT_REQUEST_FAILED: refused',
    ]);
  });

  it('does not raise anything on a single failed exchange between good ones', () => {
    const sink = new RecordingSink();
    const manager = aManager(sink);
    const good = { targets: ['chat-en'], targetErrors: noTargetErrors };
    recordEngagementOutcome(manager, cluster, good, 0);
    recordEngagementOutcome(
      manager,
      cluster,
      {
        error: { code: 'PACING_ERR_ENGAGEMENT_REQUEST_FAILED', message: 'blip' },
        targets: [],
        targetErrors: noTargetErrors,
      },
      10_000,
    );
    for (const nowMs of [20_000, 30_000, 40_000]) recordEngagementOutcome(manager, cluster, good, nowMs);
    expect(sink.events).toEqual([]);
  });
});
