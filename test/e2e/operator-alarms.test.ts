import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../support/control-plane-paths.js';
import { createTestNamespace, eventually } from '../support/kubectl-runner.js';
import {
  applyObjects,
  buildOperator,
  conditionOf,
  examplesFor,
  getJson,
  startOperator,
  stopOperator,
  type OperatorProcess,
  type ReferenceWorld,
} from '../support/operator-harness.js';
import { startPrometheusStack, type PrometheusStack } from '../support/alerting/prometheus-stack.js';
import {
  startRestartableReferenceWorld,
  type RestartableReferenceWorld,
} from '../support/alerting/restartable-reference-world.js';
import {
  startWebhookReceiver,
  type WebhookAlert,
  type WebhookReceiver,
} from '../support/alerting/webhook-receiver.js';

// Story, end to end: the operator (`pacing-operator run`, a child process) paces the deploy/examples tenant
// against the reference servers; a real Prometheus scrapes its /metrics and evaluates
// deploy/prometheus/alerts.yaml unchanged; a real Alertmanager notifies a webhook in this test. The engagement
// platform reports one target in error, then answers garbage, then goes away entirely and comes back. Alarms
// show as firing then resolved notifications, as Warning then Normal Events in the Kubernetes API, and in the
// PacingCluster's Degraded condition.

interface EventList {
  items: { type: string; reason: string; regarding: { kind: string; name: string }; note?: string }[];
}
interface ClusterList {
  items: {
    metadata: { name: string };
    status?: { conditions?: { type: string; status: string; reason: string; message: string }[] };
  }[];
}

describe('alarms of the running operator reach Alertmanager and the Kubernetes API', () => {
  let namespace: string;
  let world: RestartableReferenceWorld;
  let operator: OperatorProcess;
  let receiver: WebhookReceiver;
  let stack: PrometheusStack;
  let workDir: string;

  beforeAll(async () => {
    buildOperator();
    namespace = createTestNamespace('alarms-e2e');
    world = await startRestartableReferenceWorld();
    operator = startOperator(['--watch-namespace', namespace, '--lease-namespace', namespace]);
    const objects = examplesFor(namespace, world as unknown as ReferenceWorld).map((object) => {
      // A short detect delay keeps the story short; the alert rules keep their real `for`.
      if (object.kind === 'PacingCluster')
        (object.spec as { alarms?: unknown }).alarms = { detectAfter: '2s' };
      return object;
    });
    applyObjects(objects);
    receiver = await startWebhookReceiver();
    workDir = mkdtempSync(path.join(tmpdir(), 'pacing-operator-alarms-'));
    stack = await startPrometheusStack({
      workDir,
      rulesFile: path.join(repoRoot, 'deploy/prometheus/alerts.yaml'),
      scrapeTarget: `127.0.0.1:${await operator.metricsPort}`,
      webhookUrl: receiver.url,
    });
  }, 400_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
    if (operator) await stopOperator(operator);
    await world?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }, 90_000);

  async function notified(
    status: 'firing' | 'resolved',
    labels: Record<string, string>,
  ): Promise<WebhookAlert> {
    return eventually(
      `a ${status} notification for ${JSON.stringify(labels)}`,
      () =>
        receiver.notifications
          .flatMap((n) => n.alerts)
          .find((a) => a.status === status && Object.entries(labels).every(([k, v]) => a.labels[k] === v)),
      150_000,
    );
  }

  const events = () => getJson<EventList>(namespace, ['events.events.k8s.io']).items;

  it('reports a target error, invalid answers and an engagement outage through alerts, Events and Degraded', async () => {
    const clusterName = getJson<ClusterList>(namespace, ['pacingclusters']).items[0]!.metadata.name;
    const clusterLabels = { namespace, cluster: clusterName };

    // Step 1: the operator paces; every target gets Ready.
    await eventually(
      'both PacingTargets Ready=True',
      () => {
        const list = getJson<ClusterList>(namespace, ['pacingtargets']);
        return list.items.length === 2 && list.items.every((t) => conditionOf(t, 'Ready')?.status === 'True')
          ? list
          : undefined;
      },
      90_000,
    );

    // Step 2: the platform reports the chat target in error for a while: PacingResponseTargetError fires with
    // the cluster and target labels, and a Warning Event regards that PacingTarget.
    world.engagement.faults.add(
      { kind: 'target-error', id: 'Proactive Chat:chat', code: 'QUEUE_DISABLED', message: 'queue disabled' },
      100_000,
    );
    const targetError = await notified('firing', {
      alertname: 'PacingResponseTargetError',
      ...clusterLabels,
    });
    const targetName = targetError.labels.target!;
    expect(targetName).toBe('proactive-chat-chat');
    expect(events()).toContainEqual(
      expect.objectContaining({
        type: 'Warning',
        reason: 'PacingResponseTargetError',
        regarding: expect.objectContaining({ kind: 'PacingTarget', name: targetName }),
      }),
    );
    world.engagement.faults.clear();
    await notified('resolved', {
      alertname: 'PacingResponseTargetError',
      ...clusterLabels,
      target: targetName,
    });
    await eventually('a Normal PacingResponseTargetErrorCancelled Event', () =>
      events().find((e) => e.type === 'Normal' && e.reason === 'PacingResponseTargetErrorCancelled'),
    );

    // Step 3: the platform answers with content that is not an exchange answer: PacingResponseValidationError
    // shows as a Warning regarding the PacingCluster, then a Normal once valid answers are back.
    world.engagement.faults.add({ kind: 'malformed', body: '{"cycleId":"not a number"}' }, 100_000);
    const invalid = await eventually('a Warning PacingResponseValidationError Event', () =>
      events().find((e) => e.type === 'Warning' && e.reason === 'PacingResponseValidationError'),
    );
    expect(invalid.regarding).toMatchObject({ kind: 'PacingCluster', name: clusterName });
    world.engagement.faults.clear();
    await eventually('a Normal PacingResponseValidationErrorCancelled Event', () =>
      events().find((e) => e.type === 'Normal' && e.reason === 'PacingResponseValidationErrorCancelled'),
    );

    // Step 4: the engagement server stops: PacingRequestsFailed fires for the cluster, a Warning regards it and
    // the cluster's Degraded condition names it.
    await world.stopEngagement();
    const requestsFailed = await notified('firing', {
      alertname: 'PacingRequestsFailed',
      ...clusterLabels,
    });
    expect(requestsFailed.labels.severity).toBe('critical');
    expect(requestsFailed.labels.target).toBeUndefined();
    expect(events()).toContainEqual(
      expect.objectContaining({
        type: 'Warning',
        reason: 'PacingRequestsFailed',
        regarding: expect.objectContaining({ kind: 'PacingCluster', name: clusterName }),
      }),
    );
    const degraded = await eventually('Degraded=True on the PacingCluster', () => {
      const condition = conditionOf(
        getJson<ClusterList>(namespace, ['pacingclusters']).items[0]!,
        'Degraded',
      );
      return condition?.status === 'True' ? condition : undefined;
    });
    expect(degraded).toMatchObject({ reason: 'AlarmActive', message: 'PacingRequestsFailed' });

    // Step 5: it comes back on the same port: the alert resolves, a Normal Event follows and Degraded clears.
    await world.restartEngagement();
    await notified('resolved', { alertname: 'PacingRequestsFailed', ...clusterLabels });
    await eventually('a Normal PacingRequestsFailedCancelled Event', () =>
      events().find((e) => e.type === 'Normal' && e.reason === 'PacingRequestsFailedCancelled'),
    );
    await eventually('Degraded=False with reason NoAlarms', () => {
      const condition = conditionOf(
        getJson<ClusterList>(namespace, ['pacingclusters']).items[0]!,
        'Degraded',
      );
      return condition?.status === 'False' && condition.reason === 'NoAlarms' ? condition : undefined;
    });
  }, 600_000);
});
