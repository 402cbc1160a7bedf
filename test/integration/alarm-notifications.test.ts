import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { AlarmManager, AlarmMetricsSink, recordEngagementOutcome } from '../../src/alarms/index.js';
import { repoRoot } from '../support/control-plane-paths.js';
import { startMetricsEndpoint, type MetricsEndpoint } from '../support/alerting/metrics-endpoint.js';
import { startPrometheusStack, type PrometheusStack } from '../support/alerting/prometheus-stack.js';
import {
  startWebhookReceiver,
  type WebhookAlert,
  type WebhookReceiver,
} from '../support/alerting/webhook-receiver.js';

// Story: the operator's alarm sink sets pacing_alarm_active; a real Prometheus scrapes it every second and
// evaluates deploy/prometheus/alerts.yaml unchanged (so each alert waits its real `for: 30s`); a real
// Alertmanager notifies a webhook in this test, first firing, then resolved. The operator itself is stood in
// for by a /metrics endpoint serving the same prom-client registry the alarm sink writes to.

const rulesFile = path.join(repoRoot, 'deploy/prometheus/alerts.yaml');
const failingCluster = { namespace: 'alarms-e2e', cluster: 'unreachable' };
const targetCluster = { namespace: 'alarms-e2e', cluster: 'main' };
const noTargetErrors = new Map<string, { code: string; message: string }>();
/** Detect and cancel at the first observation, as a PacingCluster with a short alarms.detectAfter would. */
const immediate = { detectAfterMs: 0, cancelAfterMs: 0 };

describe('alarm notifications through real Prometheus and Alertmanager', () => {
  let workDir: string;
  let registry: Registry;
  let endpoint: MetricsEndpoint;
  let receiver: WebhookReceiver;
  let stack: PrometheusStack;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), 'pacing-alerting-'));
    registry = new Registry();
    endpoint = await startMetricsEndpoint(registry);
    receiver = await startWebhookReceiver();
    stack = await startPrometheusStack({
      workDir,
      rulesFile,
      scrapeTarget: endpoint.target,
      webhookUrl: receiver.url,
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
    await endpoint?.close();
    rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  /** Waits (up to two minutes) for a webhook alert with `status` whose labels include `labels`. */
  async function notified(
    status: 'firing' | 'resolved',
    labels: Record<string, string>,
  ): Promise<WebhookAlert> {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const alert = receiver.notifications
        .flatMap((n) => n.alerts)
        .find((a) => a.status === status && Object.entries(labels).every(([k, v]) => a.labels[k] === v));
      if (alert) return alert;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const seen = JSON.stringify(receiver.notifications.map((n) => n.alerts.map((a) => [a.status, a.labels])));
    throw new Error(
      `no ${status} notification for ${JSON.stringify(labels)}; received ${seen}\n${stack.logs()}`,
    );
  }

  it('sends firing notifications with the cluster and target labels, then resolved ones once the alarms cancel', async () => {
    const manager = new AlarmManager({
      sinks: [new AlarmMetricsSink(registry)],
      logger: pino({ level: 'silent' }),
    });

    // Step 1: one cluster's engagement requests fail; another cluster's answer reports an unknown target.
    recordEngagementOutcome(
      manager,
      failingCluster,
      {
        error: { code: 'PACING_ERR_ENGAGEMENT_REQUEST_FAILED', message: 'connect ECONNREFUSED 127.0.0.1:9' },
        targets: ['chat-en'],
        targetErrors: noTargetErrors,
      },
      0,
      immediate,
    );
    recordEngagementOutcome(
      manager,
      targetCluster,
      {
        targets: ['chat-en', 'voice-es'],
        targetErrors: new Map([
          ['chat-en', { code: 'PACING_ERR_ENGAGEMENT_TARGET', message: 'unknown target' }],
        ]),
      },
      0,
      immediate,
    );
    expect(manager.active()).toHaveLength(2);

    // Step 2: after the rules' `for`, Alertmanager notifies the webhook of both, each with its labels.
    const requestsFailed = await notified('firing', {
      alertname: 'PacingRequestsFailed',
      namespace: 'alarms-e2e',
      cluster: 'unreachable',
    });
    expect(requestsFailed.labels).toMatchObject({ severity: 'critical', alarm: 'PacingRequestsFailed' });
    expect(requestsFailed.labels.target).toBeUndefined();
    expect(requestsFailed.annotations.runbook_url).toBe('docs/alarms.md#pacingrequestsfailed');
    const targetError = await notified('firing', {
      alertname: 'PacingResponseTargetError',
      namespace: 'alarms-e2e',
      cluster: 'main',
      target: 'chat-en',
    });
    expect(targetError.labels.severity).toBe('warning');
    expect(targetError.annotations.summary).toBe(
      'Engagement platform reports PacingTarget alarms-e2e/chat-en in error',
    );
    const firingTargets = receiver.notifications
      .flatMap((n) => n.alerts)
      .filter((a) => a.labels.alertname === 'PacingResponseTargetError')
      .map((a) => a.labels.target);
    expect(new Set(firingTargets)).toEqual(new Set(['chat-en']));

    // Step 3: the engagement platform is back and knows the target: both alarms cancel, both alerts resolve.
    recordEngagementOutcome(
      manager,
      failingCluster,
      { targets: ['chat-en'], targetErrors: noTargetErrors },
      1_000,
      immediate,
    );
    recordEngagementOutcome(
      manager,
      targetCluster,
      { targets: ['chat-en', 'voice-es'], targetErrors: noTargetErrors },
      1_000,
      immediate,
    );
    expect(manager.active()).toEqual([]);
    await notified('resolved', {
      alertname: 'PacingRequestsFailed',
      namespace: 'alarms-e2e',
      cluster: 'unreachable',
    });
    await notified('resolved', {
      alertname: 'PacingResponseTargetError',
      namespace: 'alarms-e2e',
      cluster: 'main',
      target: 'chat-en',
    });
  }, 300_000);
});
