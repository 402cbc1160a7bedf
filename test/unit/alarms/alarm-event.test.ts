import { alarmEventFields, type Alarm } from '../../../src/alarms/index.js';

const targetAlarm: Alarm = {
  name: 'PacingResponseTargetError',
  subject: { namespace: 'tenant-a', cluster: 'main', target: 'chat-en' },
  message: 'unknown target',
  detectedAtMs: 0,
};
const clusterAlarm: Alarm = {
  ...targetAlarm,
  name: 'PacingRequestsFailed',
  subject: { namespace: 'tenant-a', cluster: 'main' },
};

describe('alarmEventFields', () => {
  it.each([
    [
      'a detection is a Warning regarding the PacingTarget concerned',
      targetAlarm,
      'detected',
      {
        type: 'Warning',
        reason: 'PacingResponseTargetError',
        action: 'DetectAlarm',
        note: 'alarm PacingResponseTargetError detected: unknown target',
        regarding: { kind: 'PacingTarget', namespace: 'tenant-a', name: 'chat-en' },
      },
    ],
    [
      'a cancellation of a cluster-wide alarm is a Normal regarding the PacingCluster',
      clusterAlarm,
      'cancelled',
      {
        type: 'Normal',
        reason: 'PacingRequestsFailedCancelled',
        action: 'CancelAlarm',
        note: 'alarm PacingRequestsFailed cancelled (last reason: unknown target)',
        regarding: { kind: 'PacingCluster', namespace: 'tenant-a', name: 'main' },
      },
    ],
  ] as const)('%s', (_name, alarm, transition, expected) => {
    expect(alarmEventFields(alarm, transition)).toEqual(expected);
  });

  it('keeps the note within the 1 kB the Event API accepts', () => {
    const fields = alarmEventFields({ ...targetAlarm, message: 'x'.repeat(5_000) }, 'detected');
    expect(fields.note.length).toBe(1024);
    expect(fields.note.endsWith('…')).toBe(true);
  });
});
