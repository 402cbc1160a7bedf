import { AlarmEventSink, type AlarmEventRecord, type AlarmEventRecorder } from '../../../src/alarms/index.js';
import type { EventRecorder } from '../../../src/controller/index.js';

describe('AlarmEventSink', () => {
  it("accepts the controller's EventRecorder as its recorder", () => {
    // A compile-time check: `tsc --noEmit` (make lint) rejects this assignment if the two shapes drift apart.
    const fits = (recorder: EventRecorder): AlarmEventRecorder => recorder;
    expect(typeof fits).toBe('function');
  });

  it('records a Warning on detection and a Normal on cancellation, regarding the PacingTarget', () => {
    const recorded: AlarmEventRecord[] = [];
    const sink = new AlarmEventSink({ record: (e) => recorded.push(e) }, 'pacing.agentpacing.dev/v1alpha1');
    const alarm = {
      name: 'PacingResponseTargetError' as const,
      subject: { namespace: 'tenant-a', cluster: 'main', target: 'chat-en' },
      message: 'unknown target',
      detectedAtMs: 0,
    };
    sink.onDetect(alarm);
    sink.onCancel({ ...alarm, cancelledAtMs: 5 });
    expect(recorded).toEqual([
      {
        regarding: {
          apiVersion: 'pacing.agentpacing.dev/v1alpha1',
          kind: 'PacingTarget',
          namespace: 'tenant-a',
          name: 'chat-en',
        },
        type: 'Warning',
        reason: 'PacingResponseTargetError',
        action: 'DetectAlarm',
        note: 'alarm PacingResponseTargetError detected: unknown target',
      },
      {
        regarding: {
          apiVersion: 'pacing.agentpacing.dev/v1alpha1',
          kind: 'PacingTarget',
          namespace: 'tenant-a',
          name: 'chat-en',
        },
        type: 'Normal',
        reason: 'PacingResponseTargetErrorCancelled',
        action: 'CancelAlarm',
        note: 'alarm PacingResponseTargetError cancelled (last reason: unknown target)',
      },
    ]);
  });
});
