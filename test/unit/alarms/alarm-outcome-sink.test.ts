import { pino } from 'pino';
import {
  AlarmManager,
  AlarmOutcomeSink,
  type Alarm,
  type AlarmSink,
  type RuntimeSample,
} from '../../../src/alarms/index.js';
import type { CycleOutcome, CycleOutcomeSink } from '../../../src/engine/index.js';

class RecordingSink implements AlarmSink {
  readonly events: string[] = [];
  onDetect(alarm: Alarm): void {
    this.events.push(`detect ${alarm.name} ${alarm.subject.target ?? '-'}`);
  }
  onCancel(alarm: Alarm): void {
    this.events.push(`cancel ${alarm.name} ${alarm.subject.target ?? '-'}`);
  }
}

const thresholds = { heapUsageRatio: 0.8, gcLatencyMs: 1_000, gcFrequencyPerMinute: 24 };
const calm: RuntimeSample = { heapUsedRatio: 0.1, maxGcPauseMs: 3, gcCountPerMinute: 1 };

/** A cycle of `tenant-a/main` with two targets, published and answered; rows change only what they need. */
function aCycle(startedAtMs: number, changes: Partial<CycleOutcome> = {}): CycleOutcome {
  return {
    clusterKey: 'tenant-a/main',
    cycleId: startedAtMs / 1_000,
    slotStartMs: startedAtMs,
    startedAtMs,
    durationMs: 0,
    isPublished: true,
    stats: { isHealthy: true, reason: 'Fetched', message: 'fresh' },
    engagement: { isHealthy: true, reason: 'Exchanged', message: 'published' },
    targets: [
      {
        key: 'tenant-a/chat-en',
        id: 'Chat EN:chat',
        invites: 2,
        reason: 'Paced',
        detailReason: 'Paced',
        message: '',
        optimizationGoalPercent: 3,
      },
      {
        key: 'tenant-a/voice-es',
        id: 'Voice ES:voice',
        invites: 1,
        reason: 'Paced',
        detailReason: 'Paced',
        message: '',
        optimizationGoalPercent: 3,
      },
    ],
    ...changes,
  };
}

function rejecting(cycle: CycleOutcome, targetKey: string): CycleOutcome {
  return {
    ...cycle,
    targets: cycle.targets.map((t) =>
      t.key === targetKey
        ? { ...t, reason: 'EngagementRejected', detailReason: 'unknown', message: 'unknown target' }
        : t,
    ),
  };
}

function setUp(runtime: RuntimeSample = calm, detectAfterMs = 1_000) {
  const recorder = new RecordingSink();
  const manager = new AlarmManager({ sinks: [recorder], logger: pino({ level: 'silent' }) });
  let nowMs = 0;
  const sink = new AlarmOutcomeSink({
    manager,
    settingsFor: (key) => (key === 'tenant-a/main' ? { thresholds, detectAfterMs } : undefined),
    runtime: { sample: () => runtime },
    nowMs: () => nowMs,
  });
  return { recorder, manager, sink, setNow: (ms: number) => (nowMs = ms) };
}

describe('AlarmOutcomeSink', () => {
  it("fits the engine's CycleOutcomeSink port", () => {
    const port: CycleOutcomeSink = setUp().sink;
    expect(typeof port.cycleCompleted).toBe('function');
  });

  it.each([
    [
      'a failed exchange without a code raises PacingRequestsFailed',
      { isHealthy: false, reason: 'Unreachable', message: 'engagement exchange failed: ECONNREFUSED' },
      'detect PacingRequestsFailed -',
    ],
    [
      'a failed exchange with the validation code raises PacingResponseValidationError',
      {
        isHealthy: false,
        reason: 'Unreachable',
        message: 'bad answer',
        errorCode: 'PACING_ERR_ENGAGEMENT_VALIDATION',
      },
      'detect PacingResponseValidationError -',
    ],
  ])("%s once it persists for the cluster's detectAfter", (_name, engagement, expected) => {
    const { recorder, sink } = setUp();
    sink.cycleCompleted(aCycle(0, { engagement }));
    expect(recorder.events).toEqual([]);
    sink.cycleCompleted(aCycle(1_000, { engagement }));
    expect(recorder.events).toEqual([expected]);
  });

  it('raises PacingResponseTargetError for a rejected target and cancels it once answers are clean', () => {
    const { recorder, sink } = setUp();
    sink.cycleCompleted(rejecting(aCycle(0), 'tenant-a/voice-es'));
    sink.cycleCompleted(rejecting(aCycle(1_000), 'tenant-a/voice-es'));
    sink.cycleCompleted(aCycle(2_000));
    sink.cycleCompleted(aCycle(3_000));
    expect(recorder.events).toEqual([
      'detect PacingResponseTargetError voice-es',
      'cancel PacingResponseTargetError voice-es',
    ]);
  });

  it('cancels the alarm of a target that is no longer paced', () => {
    const { recorder, sink } = setUp();
    sink.cycleCompleted(rejecting(aCycle(0), 'tenant-a/voice-es'));
    sink.cycleCompleted(rejecting(aCycle(1_000), 'tenant-a/voice-es'));
    const withoutVoice = aCycle(2_000);
    sink.cycleCompleted({ ...withoutVoice, targets: withoutVoice.targets.slice(0, 1) });
    expect(recorder.events).toEqual([
      'detect PacingResponseTargetError voice-es',
      'cancel PacingResponseTargetError voice-es',
    ]);
  });

  it('keeps the alarm of a target in another held shard while a cycle of its own shard paces the rest', () => {
    const { recorder, sink } = setUp();
    sink.cycleCompleted(rejecting(aCycle(0), 'tenant-a/voice-es'));
    sink.cycleCompleted(rejecting(aCycle(1_000), 'tenant-a/voice-es'));
    // Sharded: voice-es is in another held shard, so a cycle of chat-en's shard does not speak for it.
    const chatShardOnly = aCycle(2_000);
    let isVoiceShardHeld = true;
    const speaksFor = (key: string) => key !== 'tenant-a/voice-es' || !isVoiceShardHeld;
    sink.cycleCompleted({ ...chatShardOnly, targets: chatShardOnly.targets.slice(0, 1), speaksFor });
    const whileHeld = [...recorder.events];
    // Once that shard is handed on, the next cycle speaks for voice-es too: its alarm is cancelled here.
    isVoiceShardHeld = false;
    sink.cycleCompleted({ ...aCycle(3_000), targets: chatShardOnly.targets.slice(0, 1), speaksFor });
    expect(whileHeld).toEqual(['detect PacingResponseTargetError voice-es']);
    expect(recorder.events).toEqual([
      'detect PacingResponseTargetError voice-es',
      'cancel PacingResponseTargetError voice-es',
    ]);
  });

  it('learns nothing from a cycle that published nothing', () => {
    const { recorder, manager, sink } = setUp();
    const failed = { isHealthy: false, reason: 'Unreachable', message: 'x' };
    for (const ms of [0, 1_000, 2_000])
      sink.cycleCompleted(aCycle(ms, { isPublished: false, engagement: failed }));
    expect(recorder.events).toEqual([]);
    expect(manager.active()).toEqual([]);
  });

  it("samples the runtime alarms against the cluster's thresholds on each cycle", () => {
    const { recorder, sink } = setUp({ ...calm, heapUsedRatio: 0.93 });
    sink.cycleCompleted(aCycle(0));
    sink.cycleCompleted(aCycle(1_000));
    expect(recorder.events).toEqual(['detect HeapMemoryUsage -']);
  });

  it('cancels every alarm of the cluster at once when its worker stops', () => {
    const { recorder, manager, sink, setNow } = setUp({ ...calm, heapUsedRatio: 0.93 });
    sink.cycleCompleted(rejecting(aCycle(0), 'tenant-a/chat-en'));
    sink.cycleCompleted(rejecting(aCycle(1_000), 'tenant-a/chat-en'));
    setNow(1_500);
    sink.workerStopped('tenant-a/main');
    expect(recorder.events.filter((e) => e.startsWith('cancel')).sort()).toEqual([
      'cancel HeapMemoryUsage -',
      'cancel PacingResponseTargetError chat-en',
    ]);
    expect(manager.active()).toEqual([]);
  });
});
