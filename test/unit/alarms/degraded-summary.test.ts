import { summarizeDegraded, type Alarm, type AlarmName } from '../../../src/alarms/index.js';

function anAlarm(name: AlarmName, target?: string): Alarm {
  return {
    name,
    subject: { namespace: 'ns', cluster: 'main', ...(target ? { target } : {}) },
    message: '',
    detectedAtMs: 0,
  };
}

describe('summarizeDegraded', () => {
  it.each([
    [
      'is not degraded without active alarms',
      [],
      { isDegraded: false, reason: 'NoAlarms', message: 'no alarm is active' },
    ],
    [
      'lists the active alarms sorted, with their targets',
      [
        anAlarm('PacingResponseTargetError', 'voice-es'),
        anAlarm('PacingRequestsFailed'),
        anAlarm('PacingResponseTargetError', 'chat-en'),
      ],
      {
        isDegraded: true,
        reason: 'AlarmActive',
        message: 'PacingRequestsFailed; PacingResponseTargetError (chat-en, voice-es)',
      },
    ],
    [
      'lists at most five targets per alarm',
      ['t1', 't2', 't3', 't4', 't5', 't6', 't7'].map((t) => anAlarm('PacingResponseTargetError', t)),
      {
        isDegraded: true,
        reason: 'AlarmActive',
        message: 'PacingResponseTargetError (t1, t2, t3, t4, t5 and 2 more)',
      },
    ],
  ])('%s', (_name, alarms, expected) => {
    expect(summarizeDegraded(alarms)).toEqual(expected);
  });

  it('gives the same message whatever the order of the alarms', () => {
    const alarms = [
      anAlarm('HeapMemoryUsage'),
      anAlarm('GCLatency'),
      anAlarm('PacingResponseTargetError', 'a'),
    ];
    expect(summarizeDegraded([...alarms].reverse())).toEqual(summarizeDegraded(alarms));
  });
});
