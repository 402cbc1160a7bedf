import { pino } from 'pino';
import { AlarmManager, DegradedConditionSink, type DegradedSummary } from '../../../src/alarms/index.js';

const main = { namespace: 'tenant-a', cluster: 'main' };
const other = { namespace: 'tenant-b', cluster: 'main' };

describe('DegradedConditionSink', () => {
  it("reports each cluster's summary after every detection and cancellation", () => {
    const reports: [string, DegradedSummary][] = [];
    const degraded = new DegradedConditionSink((cluster, summary) =>
      reports.push([`${cluster.namespace}/${cluster.cluster}`, summary]),
    );
    const zero = { detectAfterMs: 0, cancelAfterMs: 0 };
    const manager = new AlarmManager({
      sinks: [degraded],
      logger: pino({ level: 'silent' }),
      timings: { PacingRequestsFailed: zero, PacingResponseTargetError: zero },
    });
    manager.observe(
      'PacingResponseTargetError',
      { ...main, target: 'chat-en' },
      { isBreaching: true, nowMs: 0 },
    );
    manager.observe('PacingRequestsFailed', main, { isBreaching: true, nowMs: 0 });
    manager.observe('PacingRequestsFailed', other, { isBreaching: true, nowMs: 0 });
    manager.observe('PacingRequestsFailed', main, { isBreaching: false, nowMs: 1 });
    manager.observe(
      'PacingResponseTargetError',
      { ...main, target: 'chat-en' },
      { isBreaching: false, nowMs: 1 },
    );
    expect(reports.map(([key, s]) => `${key} ${s.reason} ${s.message}`)).toEqual([
      'tenant-a/main AlarmActive PacingResponseTargetError (chat-en)',
      'tenant-a/main AlarmActive PacingRequestsFailed; PacingResponseTargetError (chat-en)',
      'tenant-b/main AlarmActive PacingRequestsFailed',
      'tenant-a/main AlarmActive PacingResponseTargetError (chat-en)',
      'tenant-a/main NoAlarms no alarm is active',
    ]);
    expect(degraded.summaryFor(other)).toMatchObject({ isDegraded: true, message: 'PacingRequestsFailed' });
    expect(degraded.summaryFor(main)).toMatchObject({ isDegraded: false, reason: 'NoAlarms' });
  });
});
