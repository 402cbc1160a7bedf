import { jest } from '@jest/globals';
import {
  applyObjects,
  buildOperator,
  examplesFor,
  fetchText,
  startOperator,
  startReferenceWorld,
  stopOperator,
  type OperatorProcess,
  type ReferenceWorld,
} from '../support/operator-harness.js';
import { createTestNamespace, eventually, kubectlOk } from '../support/kubectl-runner.js';

// A story with a real apiserver, three child processes and real servers takes longer than jest's default 5 s.
jest.setTimeout(240_000);

/** Short lease timings so the story runs in seconds: duration 4 s > renew deadline 3 s > 1.2 × retry 0.5 s. */
const leaseFlags = [
  '--leader-elect',
  '--lease-duration',
  '4s',
  '--renew-deadline',
  '3s',
  '--retry-period',
  '500ms',
];
const leaseName = 'pacing-test-leader';

describe('two and three replicas share one Lease and exactly one publishes', () => {
  let namespace: string;
  let clusterId: string;
  let world: ReferenceWorld;
  const replicas = new Map<string, OperatorProcess>();

  const publications = () => world.engagement.publications().filter((p) => p.clusterId === clusterId);
  const leaseHolder = () =>
    kubectlOk(['get', 'lease', leaseName, '-n', namespace, '-o', 'jsonpath={.spec.holderIdentity}']).trim();
  const startReplica = (identity: string) => {
    const replica = startOperator([
      '--watch-namespace',
      namespace,
      '--lease-namespace',
      namespace,
      '--lease-name',
      leaseName,
      '--identity',
      identity,
      ...leaseFlags,
    ]);
    replicas.set(identity, replica);
    return replica;
  };
  const publishersSince = (afterCycleId: number) =>
    new Set(
      publications()
        .filter((p) => p.cycleId > afterCycleId)
        .map((p) => p.publisher),
    );
  const lastCycleId = () => publications().at(-1)?.cycleId ?? 0;
  type TargetStatus = {
    lastUpdateTime?: string;
    conditions?: { type: string; status: string; lastTransitionTime: string }[];
  };
  const targetStatuses = () =>
    (
      JSON.parse(kubectlOk(['get', 'pacingtargets', '-n', namespace, '-o', 'json'])) as {
        items: { status?: TargetStatus }[];
      }
    ).items.map((item) => item.status);
  const pacingOf = (status: TargetStatus | undefined) => {
    const pacing = status?.conditions?.find((c) => c.type === 'Pacing');
    return pacing && { status: pacing.status, since: pacing.lastTransitionTime };
  };
  /** Waits until `identity` published a cycle newer than `afterCycleId`; returns that first publication. */
  const firstPublicationOf = (identity: string, afterCycleId: number, timeoutMs = 60_000) =>
    eventually(
      `a cycle published by ${identity}`,
      () => publications().find((p) => p.publisher === identity && p.cycleId > afterCycleId),
      timeoutMs,
    );

  beforeAll(async () => {
    buildOperator();
    namespace = createTestNamespace('op-leader');
    clusterId = `${namespace}/demo`;
    world = await startReferenceWorld();
    const objects = examplesFor(namespace, world);
    for (const object of objects) {
      if (object.kind === 'PacingCluster')
        (object.spec as Record<string, unknown>).learnedStateSavePeriod = '5s';
    }
    startReplica('replica-a');
    startReplica('replica-b');
    applyObjects(objects);
  });

  afterAll(async () => {
    await Promise.all([...replicas.values()].map((r) => stopOperator(r)));
    await world?.close();
  });

  it('lets only the Lease holder publish, and only the holder reports leader_election_master_status 1', async () => {
    await eventually('ten published cycles', () => (publications().length >= 10 ? true : undefined), 90_000);
    const holder = leaseHolder();

    const statuses = await Promise.all(
      [...replicas].map(async ([identity, replica]) => {
        const port = await replica.metricsPort;
        const text = (await fetchText(`http://127.0.0.1:${port}/metrics`)).body;
        return [
          identity,
          /leader_election_master_status\{name="pacing-test-leader"\} 1\b/.test(text),
        ] as const;
      }),
    );

    expect(new Set(publications().map((p) => p.publisher))).toEqual(new Set([holder]));
    expect(statuses.filter(([, isLeader]) => isLeader).map(([identity]) => identity)).toEqual([holder]);
  });

  it('keeps one publisher when a third replica joins', async () => {
    startReplica('replica-c');
    await replicas.get('replica-c')!.metricsPort;
    const since = lastCycleId();
    await eventually('five more cycles', () =>
      publications().filter((p) => p.cycleId > since).length >= 5 ? true : undefined,
    );

    expect(publishersSince(since).size).toBe(1);
  });

  it('saves the learned state to a ConfigMap in the operator namespace', async () => {
    const state = await eventually(
      'the learned-state ConfigMap',
      () => {
        const run = kubectlOk(['get', 'configmap', '-n', namespace, '-o', 'json']);
        const list = JSON.parse(run) as {
          items: { metadata: { name: string }; data?: Record<string, string> }[];
        };
        const map = list.items.find((m) => m.metadata.name === `${namespace}.demo-pacing-state`);
        return map?.data?.['state.json'];
      },
      60_000,
    );

    const parsed = JSON.parse(state) as {
      clusterKey: string;
      lastCycleId: number;
      targets: Record<string, unknown>;
    };
    expect(parsed.clusterKey).toBe(clusterId);
    expect(parsed.lastCycleId).toBeGreaterThan(0);
    expect(Object.keys(parsed.targets).sort()).toEqual(['Proactive Chat:chat', 'Proactive Voice:voice']);
  });

  it('hands over after kill -9 of the leader, and the new leader continues from the saved learned state', async () => {
    const oldLeader = leaseHolder();
    const before = lastCycleId();
    const pacingBefore = targetStatuses().map((status) => pacingOf(status));
    const killedAtMs = Date.now();
    replicas.get(oldLeader)!.kill('SIGKILL');
    await replicas.get(oldLeader)!.exited;
    replicas.delete(oldLeader);

    const newLeader = await eventually(
      'a new Lease holder',
      () => {
        const holder = leaseHolder();
        return holder !== oldLeader && holder !== '' ? holder : undefined;
      },
      60_000,
    );
    const first = await firstPublicationOf(newLeader, before);
    process.stdout.write(
      `kill -9 handover: first cycle of ${newLeader} published ${first.receivedAtMs - killedAtMs} ms after the kill ` +
        `(lease duration 4000 ms + one cycle 1000 ms)\n`,
    );
    const loaded = await eventually('the new leader loading the learned state', () =>
      replicas.get(newLeader)!.lines.find((l) => l.msg === 'learned state loaded'),
    );
    // The new leader starts each status from what the old one left in the object, not from what it saw while
    // standing by: a Pacing condition that did not change keeps its lastTransitionTime through the handover.
    const statusesSinceKill = await eventually('every target status written by the new leader', () => {
      const statuses = targetStatuses();
      const isRewritten = statuses.every(
        (status) => Date.parse(status?.lastUpdateTime ?? '') >= Math.floor(killedAtMs / 1000) * 1000 + 1000,
      );
      return isRewritten ? statuses : undefined;
    });

    expect(publishersSince(first.cycleId - 1)).toEqual(new Set([newLeader]));
    expect(loaded.lastCycleId).toEqual(expect.any(Number));
    expect(loaded.targets).toBe(2);
    expect(first.cycleId).toBeGreaterThan(loaded.lastCycleId as number);
    const pacingAfter = statusesSinceKill.map((status) => pacingOf(status));
    process.stdout.write(
      `Pacing before the kill ${JSON.stringify(pacingBefore)}, after ${JSON.stringify(pacingAfter)}\n`,
    );
    // Only a target whose Pacing status held through the handover can show it (a flip rightly moves the time).
    const held = pacingAfter.flatMap((after, i) =>
      after?.status === pacingBefore[i]?.status ? [{ after, before: pacingBefore[i] }] : [],
    );
    expect(held.length).toBeGreaterThan(0);
    for (const { after, before } of held) expect(after).toEqual(before);
  });

  it('hands over quickly when the leader gets SIGTERM (it releases the Lease) and exits 0', async () => {
    const oldLeader = leaseHolder();
    const before = lastCycleId();
    const stoppedAtMs = Date.now();
    const code = await stopOperator(replicas.get(oldLeader)!);
    replicas.delete(oldLeader);

    const newLeader = await eventually(
      'a new Lease holder',
      () => {
        const holder = leaseHolder();
        return holder !== oldLeader && holder !== '' ? holder : undefined;
      },
      60_000,
    );
    const first = await firstPublicationOf(newLeader, before);
    process.stdout.write(
      `SIGTERM handover: first cycle of ${newLeader} published ${first.receivedAtMs - stoppedAtMs} ms after SIGTERM\n`,
    );

    const shownLeader = await eventually('the cluster status naming the new leader', () => {
      const identity = kubectlOk([
        'get',
        'pacingcluster',
        'demo',
        '-n',
        namespace,
        '-o',
        'jsonpath={.status.leaderIdentity}',
      ]).trim();
      return identity === newLeader ? identity : undefined;
    });

    expect(code).toBe(0);
    expect([...replicas.keys()]).toContain(newLeader);
    expect(shownLeader).toBe(newLeader);
  });

  it('never had a cycle published by two instances', () => {
    const publishersByCycle = new Map<number, Set<string>>();
    for (const p of publications()) {
      const set = publishersByCycle.get(p.cycleId) ?? new Set<string>();
      set.add(p.publisher);
      publishersByCycle.set(p.cycleId, set);
    }

    expect(publishersByCycle.size).toBeGreaterThan(15);
    expect([...publishersByCycle.values()].filter((set) => set.size > 1)).toEqual([]);
  });
});
