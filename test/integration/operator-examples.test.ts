import { jest } from '@jest/globals';
import {
  applyObjects,
  buildOperator,
  conditionOf,
  examplesFor,
  fetchText,
  getJson,
  startOperator,
  startReferenceWorld,
  stopOperator,
  type OperatorProcess,
  type ReferenceWorld,
} from '../support/operator-harness.js';
import { createTestNamespace, eventually, kubectlOk } from '../support/kubectl-runner.js';

interface TargetList {
  items: {
    metadata: { name: string };
    status?: {
      conditions?: { type: string; status: string; reason: string; message: string }[];
      invitesPerInterval?: number;
      freeSlots?: number;
    };
  }[];
}

// A story with a real apiserver, a child process and real servers takes longer than jest's default 5 s.
jest.setTimeout(180_000);

describe('the operator paces the deploy/examples tenant', () => {
  let namespace: string;
  let world: ReferenceWorld;
  let operator: OperatorProcess;

  beforeAll(async () => {
    buildOperator();
    namespace = createTestNamespace('op-examples');
    world = await startReferenceWorld();
    operator = startOperator(['--watch-namespace', namespace, '--lease-namespace', namespace]);
    applyObjects(examplesFor(namespace, world));
  });

  afterAll(async () => {
    if (operator) await stopOperator(operator);
    await world?.close();
  });

  it('brings every PacingTarget to Ready=True showing invitations and free slots in kubectl get pt', async () => {
    const targets = await eventually(
      'every PacingTarget Ready=True with invitesPerInterval and freeSlots',
      () => {
        const list = getJson<TargetList>(namespace, ['pacingtargets']);
        const isDone =
          list.items.length === 2 &&
          list.items.every(
            (t) =>
              conditionOf(t, 'Ready')?.status === 'True' &&
              typeof t.status?.invitesPerInterval === 'number' &&
              typeof t.status.freeSlots === 'number',
          );
        return isDone ? list : undefined;
      },
      90_000,
    );

    expect(targets.items.map((t) => t.metadata.name).sort()).toEqual([
      'proactive-chat-chat',
      'proactive-voice-voice',
    ]);
    for (const target of targets.items) {
      expect(conditionOf(target, 'Accepted')).toMatchObject({ status: 'True', reason: 'Valid' });
      expect(conditionOf(target, 'Ready')).toMatchObject({ status: 'True', reason: 'ClusterReady' });
    }
    const table = kubectlOk(['get', 'pt', '-n', namespace]);
    const [header, ...rows] = table.trim().split('\n');
    expect(header).toMatch(/INVITES/i);
    expect(header).toMatch(/FREE/i);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const target = targets.items.find((t) => row.startsWith(t.metadata.name));
      expect(target).toBeDefined();
    }
  });

  it('reports the cluster Ready with the statistics source and the engagement platform reachable', async () => {
    const cluster = await eventually(
      'the PacingCluster with StatsSourceReachable and EngagementReachable True',
      () => {
        const object = getJson<Parameters<typeof conditionOf>[0] & { status?: { leaderIdentity?: string } }>(
          namespace,
          ['pacingcluster', 'demo'],
        );
        return conditionOf(object, 'StatsSourceReachable')?.status === 'True' &&
          conditionOf(object, 'EngagementReachable')?.status === 'True'
          ? object
          : undefined;
      },
      60_000,
    );

    expect(conditionOf(cluster, 'Ready')).toMatchObject({ status: 'True', reason: 'WorkerRunning' });
    expect(cluster.status?.leaderIdentity).toEqual(expect.any(String));
  });

  it('delivers the allowances of both targets to the reference engagement server every refresh period', async () => {
    const clusterId = `${namespace}/demo`;
    const publications = await eventually(
      'five cycles published',
      () => {
        const mine = world.engagement.publications().filter((p) => p.clusterId === clusterId);
        return mine.length >= 5 ? mine : undefined;
      },
      60_000,
    );

    const cycleIds = publications.map((p) => p.cycleId);
    // Cycle ids are the start times of slots on the 1 s grid: strictly increasing, whole periods apart.
    for (let i = 1; i < cycleIds.length; i += 1) {
      expect(cycleIds[i]! - cycleIds[i - 1]!).toBeGreaterThan(0);
      expect((cycleIds[i]! - cycleIds[i - 1]!) % 1000).toBe(0);
    }
    expect(new Set(publications.map((p) => p.publisher)).size).toBe(1);
    expect(publications.every((p) => p.targets === 2)).toBe(true);
  });

  it('exports per-target pacing metrics and answers /readyz', async () => {
    const port = await operator.metricsPort;

    const metrics = await fetchText(`http://127.0.0.1:${port}/metrics`);
    const ready = await fetchText(`http://127.0.0.1:${port}/readyz`);

    expect(metrics.body).toContain(
      `pacing_invites_allowed{namespace="${namespace}",cluster="demo",target="proactive-chat-chat"}`,
    );
    expect(metrics.body).toContain(
      `pacing_free_slots{namespace="${namespace}",cluster="demo",target="proactive-voice-voice"}`,
    );
    // After the first read the reference source leaves out the roster the operator holds (roster tags).
    expect(metrics.body).toMatch(
      new RegExp(
        `pacing_stats_answer_bytes_count\\{namespace="${namespace}",cluster="demo",form="table-v2-roster-held"\\} [1-9]`,
      ),
    );
    expect(ready.status).toBe(200);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const code = await stopOperator(operator);

    expect(code).toBe(0);
    expect(operator.lines.some((l) => l.msg === 'shutdown complete')).toBe(true);
  });
});
