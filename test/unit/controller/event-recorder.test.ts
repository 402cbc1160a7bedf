import type { EventsV1Event, EventsV1EventSeries } from '@kubernetes/client-node';
import pino from 'pino';
import { Registry } from 'prom-client';
import {
  EventRecorder,
  type EventRecord,
  type EventRecorderOptions,
} from '../../../src/controller/event-recorder.js';
import type { EventsClient } from '../../../src/controller/events-client.js';
import { FakeClock } from './fake-clock.js';
import { FakeApiError } from './fake-lease-client.js';

class RecordingEventsClient implements EventsClient {
  created: EventsV1Event[] = [];
  patches: { name: string; series: EventsV1EventSeries }[] = [];
  hang = false;
  patchStatus: number | undefined;
  async create(_namespace: string, event: EventsV1Event): Promise<void> {
    if (this.hang) await new Promise(() => undefined);
    this.created.push(JSON.parse(JSON.stringify(event)) as EventsV1Event);
  }
  async patchSeries(_namespace: string, name: string, series: EventsV1EventSeries): Promise<void> {
    if (this.patchStatus !== undefined) throw new FakeApiError(this.patchStatus);
    this.patches.push({ name, series: JSON.parse(JSON.stringify(series)) as EventsV1EventSeries });
  }
}

function aRecorder(extra: Partial<EventRecorderOptions> = {}) {
  const clock = new FakeClock();
  const registry = new Registry();
  const client = new RecordingEventsClient();
  const recorder = new EventRecorder({
    client,
    reportingController: 'pacing.agentpacing.dev/operator',
    reportingInstance: 'operator-pod-1',
    clock,
    random: () => 0,
    registry,
    logger: pino({ level: 'silent' }),
    ...extra,
  });
  return { clock, registry, client, recorder };
}

function anEvent(overrides: Partial<EventRecord> = {}): EventRecord {
  return {
    regarding: {
      apiVersion: 'pacing.agentpacing.dev/v1alpha1',
      kind: 'PacingTarget',
      namespace: 'tenant',
      name: 'chat',
      uid: 'u1',
    },
    type: 'Warning',
    reason: 'StatsSourceUnreachable',
    action: 'Pacing',
    note: 'GET http://stats/v1/snapshot: connection refused',
    ...overrides,
  };
}

async function dropped(registry: Registry, reason: string): Promise<number> {
  const m = await registry.getSingleMetric('pacing_events_dropped_total')!.get();
  return m.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('EventRecorder', () => {
  it('creates the first occurrence with a six-digit MicroTime eventTime, regarding the object', async () => {
    const { clock, client, recorder } = aRecorder();
    recorder.record(anEvent());
    await clock.advance(0);
    expect(client.created).toHaveLength(1);
    const event = client.created[0]!;
    expect(event).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      type: 'Warning',
      reason: 'StatsSourceUnreachable',
      action: 'Pacing',
      reportingController: 'pacing.agentpacing.dev/operator',
      reportingInstance: 'operator-pod-1',
      regarding: { kind: 'PacingTarget', namespace: 'tenant', name: 'chat', uid: 'u1' },
      metadata: { namespace: 'tenant' },
    });
    expect(String(event.eventTime)).toMatch(MICRO_TIME);
    expect(event.metadata?.name).toMatch(/^chat\.[0-9a-f]+$/);
    await recorder.close();
  });

  it('folds repeats (whatever their note) into one series patched at most every 30 s', async () => {
    const { clock, client, recorder } = aRecorder();
    recorder.record(anEvent());
    await clock.advance(0);
    for (let i = 0; i < 5; i += 1) {
      await clock.advance(2_000);
      recorder.record(anEvent({ note: `attempt ${i}` }));
    }
    expect(client.patches).toHaveLength(0);
    await clock.advance(20_000);
    expect(client.created).toHaveLength(1);
    expect(client.patches).toHaveLength(1);
    expect(client.patches[0]!.name).toBe(client.created[0]!.metadata?.name);
    expect(client.patches[0]!.series.count).toBe(6);
    expect(String(client.patches[0]!.series.lastObservedTime)).toMatch(MICRO_TIME);
    await recorder.close();
  });

  it('keeps events with another reason or another object apart', async () => {
    const { clock, client, recorder } = aRecorder();
    recorder.record(anEvent());
    recorder.record(anEvent({ reason: 'EngagementUnreachable' }));
    recorder.record(anEvent({ regarding: { kind: 'PacingTarget', namespace: 'tenant', name: 'voice' } }));
    await clock.advance(0);
    expect(client.created.map((e) => `${e.regarding?.name}:${e.reason}`)).toEqual([
      'chat:StatsSourceUnreachable',
      'chat:EngagementUnreachable',
      'voice:StatsSourceUnreachable',
    ]);
    await recorder.close();
  });

  it('limits one object to a burst of 25 Events, then one per 5 minutes, counting the drops', async () => {
    const { clock, client, recorder, registry } = aRecorder();
    for (let i = 0; i < 30; i += 1) recorder.record(anEvent({ reason: `Reason${i}` }));
    recorder.record(anEvent({ regarding: { kind: 'PacingTarget', namespace: 'tenant', name: 'other' } }));
    await clock.advance(0);
    expect(client.created).toHaveLength(26);
    expect(await dropped(registry, 'spam_limit')).toBe(5);
    await clock.advance(300_000);
    recorder.record(anEvent({ reason: 'Later1' }));
    recorder.record(anEvent({ reason: 'Later2' }));
    await clock.advance(0);
    expect(client.created).toHaveLength(27);
    await recorder.close();
  });

  it('never blocks the caller and drops what overflows the write queue', async () => {
    const { clock, client, recorder, registry } = aRecorder({ maxQueuedWrites: 3 });
    client.hang = true;
    for (let i = 0; i < 10; i += 1)
      recorder.record(anEvent({ regarding: { kind: 'PacingTarget', name: `t${i}`, namespace: 'n' } }));
    await clock.advance(0);
    // One write is in flight (hung), three wait, six are dropped.
    expect(await dropped(registry, 'overload')).toBe(6);
    // Shutdown is bounded even though the API never answers.
    const closing = recorder.close(1_000);
    await clock.advance(1_000);
    await expect(closing).resolves.toBeUndefined();
  });

  it('recreates an Event whose series patch finds it deleted', async () => {
    const { clock, client, recorder } = aRecorder();
    recorder.record(anEvent());
    await clock.advance(0);
    recorder.record(anEvent());
    client.patchStatus = 404;
    await clock.advance(30_000);
    expect(client.created).toHaveLength(2);
    expect(client.created[1]!.series?.count).toBe(2);
    expect(client.created[1]!.metadata?.name).not.toBe(client.created[0]!.metadata?.name);
    await recorder.close();
  });

  it('writes the latest count of every series on close', async () => {
    const { clock, client, recorder } = aRecorder();
    recorder.record(anEvent());
    await clock.advance(0);
    recorder.record(anEvent());
    recorder.record(anEvent());
    await recorder.close();
    expect(client.patches.map((p) => p.series.count)).toEqual([3]);
  });
});
