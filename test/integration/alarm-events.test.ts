import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { pacingApiGroupVersion } from '../../src/api/index.js';
import {
  AlarmEventSink,
  AlarmManager,
  DegradedConditionSink,
  recordEngagementOutcome,
  type DegradedSummary,
} from '../../src/alarms/index.js';
import {
  createEventsClient,
  createKubeClients,
  createSystemClock,
  EventRecorder,
  loadKubeConfig,
  type KubeClients,
} from '../../src/controller/index.js';

// Story: an engagement platform rejects one PacingTarget; the alarm goes to the controller's real
// events.k8s.io/v1 recorder through AlarmEventSink, and a user listing Events in the namespace (as
// `kubectl events --for pacingtarget/chat-en` does) sees a Warning, then a Normal once the alarm cancels.

const silent = pino({ level: 'silent' });
const immediate = { detectAfterMs: 0, cancelAfterMs: 0 };

describe('alarm Events through the Kubernetes API', () => {
  let clients: KubeClients;
  let namespace: string;

  beforeAll(async () => {
    clients = createKubeClients(loadKubeConfig({ kubeconfigPath: process.env.KUBECONFIG! }));
    namespace = `alarm-events-${randomBytes(3).toString('hex')}`;
    await clients.core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await clients?.kubeConfig.close();
  });

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
    const degraded: DegradedSummary[] = [];
    const manager = new AlarmManager({
      sinks: [
        new AlarmEventSink(recorder, pacingApiGroupVersion),
        new DegradedConditionSink((_cluster, summary) => degraded.push(summary)),
      ],
      logger: silent,
    });
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
      expect(degraded.map((s) => s.reason)).toEqual(['AlarmActive', 'NoAlarms']);
    } finally {
      await recorder.close();
    }
  });
});
