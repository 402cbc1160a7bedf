import { execFileSync } from 'node:child_process';
import { jest } from '@jest/globals';
import { controlPlaneScript } from '../support/control-plane-paths.js';
import {
  applyObjects,
  buildOperator,
  conditionOf,
  examplesFor,
  getJson,
  receivedRequestsOf,
  startOperator,
  startReferenceWorld,
  stopOperator,
  type OperatorProcess,
  type ReferenceWorld,
} from '../support/operator-harness.js';
import { createTestNamespace, eventually, kubectlOk, runKubectl } from '../support/kubectl-runner.js';

// A story with a real apiserver, a child process and real servers takes longer than jest's default 5 s.
jest.setTimeout(240_000);

type Conditioned = Parameters<typeof conditionOf>[0];

interface EventList {
  items: { reason?: string; type?: string; note?: string; regarding?: { kind?: string; name?: string } }[];
}

/** Restarting the apiserver is only allowed on a control plane this test run started (not a shared one). */
const runDir = process.env.PACING_TEST_KUBECONFIG ? undefined : process.env.PACING_TEST_RUN_DIR;
const itWhenOwnControlPlane = runDir ? it : it.skip;

describe('faults: the operator stays up, says what is wrong, and recovers by itself', () => {
  let namespace: string;
  let clusterId: string;
  let world: ReferenceWorld;
  let operator: OperatorProcess;

  const cluster = () => getJson<Conditioned>(namespace, ['pacingcluster', 'demo']);
  const clusterCondition = (type: string) => conditionOf(cluster(), type);
  const latestCycleId = () => receivedRequestsOf(world, clusterId).at(-1)?.cycleId ?? 0;
  const eventsAbout = (reason: string) =>
    getJson<EventList>(namespace, ['events.events.k8s.io']).items.filter(
      (e) => e.reason === reason && e.regarding?.name === 'demo' && e.regarding.kind === 'PacingCluster',
    );
  const waitForHealthyCluster = () =>
    eventually(
      'the cluster Ready with both sides reachable',
      () =>
        clusterCondition('Ready')?.status === 'True' &&
        clusterCondition('StatsSourceReachable')?.status === 'True' &&
        clusterCondition('EngagementReachable')?.status === 'True'
          ? true
          : undefined,
      90_000,
    );

  beforeAll(async () => {
    buildOperator();
    namespace = createTestNamespace('op-faults');
    clusterId = `${namespace}/demo`;
    world = await startReferenceWorld();
    operator = startOperator([
      '--watch-namespace',
      namespace,
      '--lease-namespace',
      namespace,
      '--leader-elect',
      '--lease-duration',
      '4s',
      '--renew-deadline',
      '3s',
      '--retry-period',
      '500ms',
    ]);
    const objects = examplesFor(namespace, world);
    for (const object of objects) {
      // Alarms fire after detectAfter; a short one keeps the story short.
      if (object.kind === 'PacingCluster') {
        const spec = object.spec as { alarms: Record<string, unknown> };
        spec.alarms.detectAfter = '2s';
      }
    }
    applyObjects(objects);
    await waitForHealthyCluster();
  });

  afterAll(async () => {
    world?.stats.faults.clear();
    world?.engagement.faults.clear();
    if (operator) await stopOperator(operator);
    await world?.close();
  });

  it('publishes 0 invitations and reports StatsSourceReachable=False while the statistics source fails', async () => {
    const before = latestCycleId();
    world.stats.faults.add({ kind: 'status', status: 503 }, 100_000);

    const condition = await eventually('StatsSourceReachable=False', () => {
      const c = clusterCondition('StatsSourceReachable');
      return c?.status === 'False' ? c : undefined;
    });
    const zeroRequest = await eventually('a published cycle with every target at 0', () =>
      receivedRequestsOf(world, clusterId).find(
        (r) => r.cycleId > before && r.targets.every((t) => t.invites === 0),
      ),
    );
    const events = await eventually('a Warning Event StatsSourceUnreachable', () => {
      const found = eventsAbout('StatsSourceUnreachable');
      return found.length > 0 ? found : undefined;
    });

    expect(condition.reason).toBe('StatsSourceUnreachable');
    expect(condition.message).toContain('503');
    expect(zeroRequest.targets).toHaveLength(2);
    expect(events[0]?.type).toBe('Warning');
    expect(operator.child.exitCode).toBeNull();

    world.stats.faults.clear();
    await waitForHealthyCluster();
  });

  it('reports EngagementReachable=False while the engagement platform answers 500, then recovers', async () => {
    world.engagement.faults.add({ kind: 'status', status: 500 }, 100_000);

    const condition = await eventually('EngagementReachable=False', () => {
      const c = clusterCondition('EngagementReachable');
      return c?.status === 'False' ? c : undefined;
    });
    const events = await eventually('a Warning Event ExchangeFailed', () => {
      const found = eventsAbout('ExchangeFailed');
      return found.length > 0 ? found : undefined;
    });
    const degraded = await eventually('Degraded=True with the alarm named', () => {
      const c = clusterCondition('Degraded');
      return c?.status === 'True' ? c : undefined;
    });
    world.engagement.faults.clear();
    const before = latestCycleId();
    await eventually('publishing again', () => (latestCycleId() > before ? true : undefined));
    await waitForHealthyCluster();

    await eventually('Degraded=False once the alarm cancels', () =>
      clusterCondition('Degraded')?.status === 'False' ? true : undefined,
    );

    expect(condition.reason).toBe('ExchangeFailed');
    expect(condition.message).toContain('500');
    expect(degraded.reason).toBe('AlarmActive');
    expect(eventsAbout(degraded.message.split(/[ ;(]/)[0]!).some((e) => e.type === 'Warning')).toBe(true);
    expect(events[0]?.type).toBe('Warning');
    expect(operator.child.exitCode).toBeNull();
  });

  it('stops the cluster with CredentialsMissing when its Secret loses client_secret, and resumes when it is back', async () => {
    const secretBefore = kubectlOk([
      'get',
      'secret',
      'engagement-credentials',
      '-n',
      namespace,
      '-o',
      'json',
    ]);
    kubectlOk([
      'patch',
      'secret',
      'engagement-credentials',
      '-n',
      namespace,
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'remove', path: '/data/client_secret' }]),
    ]);

    const ready = await eventually('Ready=False CredentialsMissing', () => {
      const c = clusterCondition('Ready');
      return c?.reason === 'CredentialsMissing' ? c : undefined;
    });
    const target = await eventually('the targets Ready=False ClusterNotReady', () => {
      const t = getJson<Conditioned>(namespace, ['pt', 'proactive-chat-chat']);
      return conditionOf(t, 'Ready')?.reason === 'ClusterNotReady' ? t : undefined;
    });
    const events = await eventually('a Warning Event CredentialsMissing', () => {
      const found = eventsAbout('CredentialsMissing');
      return found.length > 0 ? found : undefined;
    });

    expect(ready.status).toBe('False');
    expect(ready.message).toContain('client_secret');
    expect(conditionOf(target, 'Ready')?.message).toContain('client_secret');
    expect(events[0]?.note).toContain('client_secret');
    expect(JSON.stringify(operator.lines)).not.toContain('demo-secret-for-local-demo-only');

    const original = JSON.parse(secretBefore) as { data: Record<string, string> };
    kubectlOk([
      'patch',
      'secret',
      'engagement-credentials',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      JSON.stringify({ data: { client_secret: original.data.client_secret } }),
    ]);
    await waitForHealthyCluster();
    const before = latestCycleId();
    await eventually('publishing again', () => (latestCycleId() > before ? true : undefined));
  });

  it('reports EngagementReachable=False AuthenticationFailed when the Secret holds a wrong client_secret', async () => {
    const secretBefore = kubectlOk([
      'get',
      'secret',
      'engagement-credentials',
      '-n',
      namespace,
      '-o',
      'json',
    ]);
    kubectlOk([
      'patch',
      'secret',
      'engagement-credentials',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      JSON.stringify({ stringData: { client_secret: 'not-the-secret' } }),
    ]);

    const condition = await eventually('EngagementReachable=False AuthenticationFailed', () => {
      const c = clusterCondition('EngagementReachable');
      return c?.reason === 'AuthenticationFailed' ? c : undefined;
    });

    expect(condition.status).toBe('False');
    expect(JSON.stringify(operator.lines)).not.toContain('not-the-secret');

    const original = JSON.parse(secretBefore) as { data: Record<string, string> };
    kubectlOk([
      'patch',
      'secret',
      'engagement-credentials',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      JSON.stringify({ data: { client_secret: original.data.client_secret } }),
    ]);
    await waitForHealthyCluster();
  });

  itWhenOwnControlPlane(
    'keeps running through a kube-apiserver restart and sees changes made afterwards',
    async () => {
      execFileSync('bash', [controlPlaneScript, 'restart-apiserver', runDir!, '3'], {
        stdio: 'inherit',
        timeout: 180_000,
      });
      await eventually(
        'the apiserver answering',
        () => (runKubectl(['get', 'ns', namespace]).status === 0 ? true : undefined),
        120_000,
      );

      const before = latestCycleId();
      kubectlOk([
        'patch',
        'pt',
        'proactive-chat-chat',
        '-n',
        namespace,
        '--type=merge',
        '-p',
        '{"spec":{"paused":true}}',
      ]);
      const request = await eventually(
        'a cycle with the paused target at 0 after the restart',
        () =>
          receivedRequestsOf(world, clusterId).find(
            (r) => r.cycleId > before && r.targets.find((t) => t.id === 'Proactive Chat:chat')?.invites === 0,
          ),
        120_000,
      );

      expect(request.targets).toHaveLength(2);
      expect(operator.child.exitCode).toBeNull();
    },
  );
});
