import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { pacingApiGroupVersion } from '../../src/api/index.js';
import {
  alarmEventFields,
  AlarmManager,
  recordEngagementOutcome,
  type Alarm,
  type AlarmSink,
} from '../../src/alarms/index.js';
import {
  createEventsClient,
  createKubeClients,
  createSystemClock,
  EventRecorder,
  loadKubeConfig,
  type KubeClients,
} from '../../src/controller/index.js';

// Story: an engagement platform rejects one PacingTarget; the alarm's Event fields (alarmEventFields, which the
// controller's alarm sink uses) go to the controller's real events.k8s.io/v1 recorder, and a user listing
// Events in the namespace (as `kubectl events --for pacingtarget/chat-en` does) sees a Warning, then a Normal
// once the alarm cancels.

/** The Event half of the controller's alarm sink, over a real recorder. */
function eventSinkOver(recorder: EventRecorder): AlarmSink {
  const record = (alarm: Alarm, transition: 'detected' | 'cancelled'): void => {
    const { regarding, ...event } = alarmEventFields(alarm, transition);
    recorder.record({ regarding: { apiVersion: pacingApiGroupVersion, ...regarding }, ...event });
  };
  return { onDetect: (alarm) => record(alarm, 'detected'), onCancel: (alarm) => record(alarm, 'cancelled') };
}

const silent = pino({ level: 'silent' });
const immediate = { detectAfterMs: 0, cancelAfterMs: 0 };

describe('alarm Events through the Kubernetes API', () => {
  let clients: KubeClients;
  let namespace: string;

  beforeAll(async () => {
    clients = createKubeClients(loadKubeConfig({ kubeconfigPath: process.env.KUBECONFIG! }));
    namespace = `alarm-events-${randomBytes(3).toString('hex')}`;
    await clients.core.createNamespace({ body: { metadata: { name: namespace } } });
  }, 60_000);

  afterAll(async () => {
    await clients?.kubeConfig.close();
  }, 60_000);

  /** Waits (up to a minute) for an Event in the test namespace matching `reason` and `type`. */
  async function eventVisible(type: string, reason: string) {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const list = await clients.events.listNamespacedEvent({ namespace });
      const event = list.items.find((e) => e.type === type && e.reason === reason);
      if (event) return event;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`no ${type} Event with reason ${reason} in ${namespace}`);
  }

  it('shows a Warning when a target alarm is detected and a Normal when it cancels, regarding the PacingTarget', async () => {
    const recorder = new EventRecorder({
      client: createEventsClient(clients.events),
      reportingController: 'pacing.agentpacing.dev/operator',
      reportingInstance: 'alarm-events-test',
      clock: createSystemClock(),
      registry: new Registry(),
      logger: silent,
    });
    const manager = new AlarmManager({ sinks: [eventSinkOver(recorder)], logger: silent });
    const cluster = { namespace, cluster: 'main' };
    try {
      // Step 1: the platform reports chat-en in error.
      const rejected = new Map([
        ['chat-en', { code: 'PACING_ERR_ENGAGEMENT_TARGET', message: 'unknown target' }],
      ]);
      recordEngagementOutcome(
        manager,
        cluster,
        { targets: ['chat-en'], targetErrors: rejected },
        0,
        immediate,
      );
      const warning = await eventVisible('Warning', 'PacingResponseTargetError');
      expect(warning.regarding).toMatchObject({
        apiVersion: pacingApiGroupVersion,
        kind: 'PacingTarget',
        namespace,
        name: 'chat-en',
      });
      expect(warning.action).toBe('DetectAlarm');
      expect(warning.note).toBe(
        'alarm PacingResponseTargetError detected: PACING_ERR_ENGAGEMENT_TARGET: unknown target',
      );

      // Step 2: the next answer is clean: the alarm cancels and a Normal Event follows.
      recordEngagementOutcome(
        manager,
        cluster,
        { targets: ['chat-en'], targetErrors: new Map() },
        1_000,
        immediate,
      );
      const normal = await eventVisible('Normal', 'PacingResponseTargetErrorCancelled');
      expect(normal.regarding).toMatchObject({ kind: 'PacingTarget', name: 'chat-en' });
      expect(normal.action).toBe('CancelAlarm');
    } finally {
      await recorder.close();
    }
  }, 120_000);
});
