import { jest } from '@jest/globals';
import { shardOfTarget } from '../../src/controller/target-shard.js';
import { parseScenario } from '../../src/sim/scenario.js';
import {
  applyObjects,
  buildOperator,
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

// Three operator child processes against a real apiserver and real servers: seconds to minutes, not 5 s.
jest.setTimeout(300_000);

const shardCount = 3;
const leaseName = 'pacing-test-shards';
const leaseDurationMs = 4000;
const cycleMs = 1000;
/** Short lease timings so the story runs in seconds: duration 4 s > renew deadline 3 s > 1.2 × retry 0.5 s. */
const shardFlags = [
  '--leader-elect',
  '--shards',
  String(shardCount),
  '--lease-duration',
  '4s',
  '--renew-deadline',
  '3s',
  '--retry-period',
  '500ms',
];

interface ShardTarget {
  readonly name: string;
  readonly queue: string;
  readonly id: string;
  readonly shard: number;
}

/** Two target names per shard: names are hashed with the (random) namespace, so they are picked at run time. */
function pickTargets(namespace: string, perShard: number): ShardTarget[] {
  const picked: ShardTarget[] = [];
  for (let i = 1; picked.length < shardCount * perShard; i += 1) {
    const name = `queue-${i}`;
    const shard = shardOfTarget(`${namespace}/${name}`, shardCount);
    if (picked.filter((t) => t.shard === shard).length >= perShard) continue;
    picked.push({ name, queue: `Queue ${i}`, id: `Queue ${i}:chat`, shard });
  }
  return picked;
}

function scenarioFor(targets: readonly ShardTarget[]) {
  return parseScenario({
    name: 'operator-sharding',
    durationSeconds: 3600,
    cycleSeconds: 1,
    agents: [
      {
        pool: 'chat-team',
        count: 12,
        capacity: { chat: 2 },
        groups: ['Chat Agents'],
        handleTime: { chat: { dist: 'exponential', mean: 60 } },
      },
    ],
    targets: targets.map((t) => ({
      name: t.queue,
      media: 'chat',
      agentGroups: [{ group: 'Chat Agents' }],
      acceptProbability: 0.3,
      acceptDelay: { dist: 'exponential', mean: 5 },
      declineDelay: { dist: 'exponential', mean: 5 },
      expirySeconds: 30,
      patience: { dist: 'exponential', mean: 60 },
    })),
  });
}

describe('three replicas share three shards, one each; a lost replica hands its shard over, a new one gets its share', () => {
  let namespace: string;
  let clusterId: string;
  let targets: ShardTarget[];
  let world: ReferenceWorld;
  const replicas = new Map<string, OperatorProcess>();

  const publications = () => world.engagement.publications().filter((p) => p.clusterId === clusterId);
  /** Holder of each shard Lease ('' while a Lease does not exist yet or is released). */
  const holders = () => {
    const leases = getJson<{ items: { metadata: { name: string }; spec?: { holderIdentity?: string } }[] }>(
      namespace,
      ['lease'],
    ).items;
    return Array.from(
      { length: shardCount },
      (_, shard) =>
        leases.find((l) => l.metadata.name === `${leaseName}-shard-${shard}`)?.spec?.holderIdentity ?? '',
    );
  };
  const lastCycleId = () => Math.max(0, ...publications().map((p) => p.cycleId));
  /**
   * target id → publishers, per refresh period, for the periods after that of `afterCycleId`. Each shard is
   * paced in cycles of its own at its own point of the period (cycle id = slot start), so a period holds one
   * cycle per shard.
   */
  const publishersByCycle = (afterCycleId: number) => {
    const byPeriod = new Map<number, Map<string, string[]>>();
    // The period of `afterCycleId` itself is left out: its earlier shards' cycles would be missing from it.
    const firstPeriod = Math.floor(afterCycleId / cycleMs) + 1;
    for (const p of publications()) {
      const period = Math.floor(p.cycleId / cycleMs);
      if (period < firstPeriod) continue;
      const perTarget = byPeriod.get(period) ?? new Map<string, string[]>();
      for (const id of p.targetIds) perTarget.set(id, [...(perTarget.get(id) ?? []), p.publisher]);
      byPeriod.set(period, perTarget);
    }
    return byPeriod;
  };
  /** Waits until every replica alive holds exactly one shard (or the survivors hold all of them). */
  const balanced = (alive: readonly string[]) =>
    eventually(
      `the shards spread over ${alive.join(', ')}`,
      () => {
        const now = holders();
        const counts = alive.map((id) => now.filter((h) => h === id).length);
        const isCovered = now.every((h) => alive.includes(h));
        const isEven = Math.max(...counts) - Math.min(...counts) <= 1;
        return isCovered && isEven ? now : undefined;
      },
      90_000,
    );
  /**
   * Waits for `count` periods after `afterCycleId` and returns their publishers. The oldest and the two newest
   * periods are left out: replicas publish their shards independently, the oldest may hold a replica's first
   * cycle but not yet another's (before any publication `afterCycleId` is 0), and on a loaded machine one replica
   * may lag the others by a second.
   */
  const cyclesAfter = async (afterCycleId: number, count: number) => {
    await eventually(`${count + 3} periods after ${afterCycleId}`, () =>
      publishersByCycle(afterCycleId).size >= count + 3 ? true : undefined,
    );
    const byCycle = publishersByCycle(afterCycleId);
    const periods = [...byCycle.keys()].sort((a, b) => a - b);
    for (const left of [periods[0]!, ...periods.slice(-2)]) byCycle.delete(left);
    return byCycle;
  };
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
      ...shardFlags,
    ]);
    replicas.set(identity, replica);
    return replica;
  };

  beforeAll(async () => {
    buildOperator();
    namespace = createTestNamespace('op-shards');
    clusterId = `${namespace}/demo`;
    targets = pickTargets(namespace, 2);
    world = await startReferenceWorld(scenarioFor(targets));
    const objects = examplesFor(namespace, world).filter((o) => o.kind !== 'PacingTarget');
    for (const object of objects) {
      if (object.kind === 'PacingCluster')
        (object.spec as Record<string, unknown>).learnedStateSavePeriod = '5s';
    }
    for (const target of targets) {
      objects.push({
        apiVersion: 'pacing.agentpacing.dev/v1alpha1',
        kind: 'PacingTarget',
        metadata: { name: target.name, namespace },
        spec: {
          clusterRef: { name: 'demo' },
          virtualQueue: { name: target.queue, media: 'chat' },
          agentGroups: [
            { name: 'Chat Agents', agents: Array.from({ length: 12 }, (_, i) => `chat-team-${i + 1}`) },
          ],
        },
      });
    }
    for (const identity of ['replica-a', 'replica-b', 'replica-c']) startReplica(identity);
    applyObjects(objects);
  });

  afterAll(async () => {
    await Promise.all([...replicas.values()].map((r) => stopOperator(r)));
    await world?.close();
  });

  it('has every shard held by exactly one replica and each replica holding one, as Leases, metrics and status say', async () => {
    const shardHolders = await balanced([...replicas.keys()]);
    const shownInStatus = await eventually('the cluster status listing the shard holders', () => {
      const cluster = getJson<{ status?: { shards?: { shard: number; holder: string }[] } }>(namespace, [
        'pacingcluster',
        'demo',
      ]);
      const shown = (cluster.status?.shards ?? []).map((s) => s.holder);
      return JSON.stringify(shown) === JSON.stringify(shardHolders) ? shown : undefined;
    });
    const metrics = await Promise.all(
      [...replicas].map(async ([identity, replica]) => {
        const text = (await fetchText(`http://127.0.0.1:${await replica.metricsPort}/metrics`)).body;
        const leading = Array.from({ length: shardCount }, (_, shard) => shard).filter((shard) =>
          new RegExp(`leader_election_master_status\\{name="${leaseName}-shard-${shard}"\\} 1\\b`).test(text),
        );
        const held = /pacing_shards_held\{lease="pacing-test-shards"\} (\d+)/.exec(text)?.[1];
        return { identity, leading, held };
      }),
    );

    expect([...shardHolders].sort()).toEqual(['replica-a', 'replica-b', 'replica-c']);
    expect(shownInStatus).toEqual(shardHolders);
    for (const { identity, leading, held } of metrics) {
      expect(leading).toEqual([shardHolders.indexOf(identity)]);
      expect(held).toBe('1');
    }
  });

  it('publishes every target every period, each by exactly one replica: the holder of its shard', async () => {
    const shardHolders = holders();
    const byCycle = await cyclesAfter(lastCycleId(), 5);

    expect(byCycle.size).toBeGreaterThanOrEqual(5);
    for (const perTarget of byCycle.values()) {
      expect(Object.fromEntries(perTarget)).toEqual(
        Object.fromEntries(targets.map((t) => [t.id, [shardHolders[t.shard]]])),
      );
    }
  });

  it('re-homes the shard of a replica killed with -9 within lease duration + one cycle, continuing its learned state', async () => {
    const shardHolders = holders();
    const victim = shardHolders[1]!;
    const orphaned = targets.filter((t) => t.shard === 1).map((t) => t.id);
    await eventually('a learned-state save of shard 1', () =>
      kubectlOk(['get', 'configmap', '-n', namespace, '-o', 'name']).includes(
        `${namespace}.demo-pacing-state-shard-1`,
      )
        ? true
        : undefined,
    );
    const before = lastCycleId();
    const killedAtMs = Date.now();
    replicas.get(victim)!.kill('SIGKILL');
    await replicas.get(victim)!.exited;
    replicas.delete(victim);

    const first = await eventually(
      'a publication of the orphaned targets by a survivor',
      () =>
        publications().find(
          (p) =>
            p.cycleId > before && p.publisher !== victim && orphaned.every((id) => p.targetIds.includes(id)),
        ),
      60_000,
    );
    const handoverMs = first.receivedAtMs - killedAtMs;
    process.stdout.write(
      `sharded kill -9 handover: shard 1 (${orphaned.join(', ')}) published again by ${first.publisher} ` +
        `${handoverMs} ms after the kill (lease duration ${leaseDurationMs} ms + one cycle ${cycleMs} ms)\n`,
    );
    const newHolder = first.publisher;
    const loaded = await eventually('the new holder loading the shard’s learned state', () =>
      replicas
        .get(newHolder)!
        .lines.find(
          (l) => l.msg === 'learned state loaded' && l.shard === 1 && (l.time as number) >= killedAtMs,
        ),
    );
    const survivors = [...replicas.keys()];
    const after = await balanced(survivors);
    const byCycle = await cyclesAfter(lastCycleId(), 3);

    expect(handoverMs).toBeLessThan(3 * (leaseDurationMs + cycleMs));
    expect(after[1]).toBe(newHolder);
    expect(survivors.map((id) => after.filter((h) => h === id).length).sort()).toEqual([1, 2]);
    expect(loaded.targets).toBe(orphaned.length);
    for (const perTarget of byCycle.values()) {
      expect(Object.fromEntries(perTarget)).toEqual(
        Object.fromEntries(targets.map((t) => [t.id, [after[t.shard]]])),
      );
    }
    // The new holder writes the gained targets' statuses: fresh figures, every condition still there (it kept
    // none of them while another replica held the shard, and took them over from the objects).
    type TargetStatus = {
      status?: { lastUpdateTime?: string; conditions?: { type: string; status: string }[] };
    };
    for (const target of targets.filter((t) => t.shard === 1)) {
      const status = await eventually(`a status of ${target.name} written after the kill`, () => {
        const found = getJson<TargetStatus>(namespace, ['pacingtarget', target.name]).status;
        // lastUpdateTime has whole seconds.
        return Date.parse(found?.lastUpdateTime ?? '') >= killedAtMs - 1000 ? found : undefined;
      });
      expect(Object.fromEntries((status.conditions ?? []).map((c) => [c.type, c.status]))).toEqual({
        Accepted: 'True',
        Ready: 'True',
        Pacing: expect.stringMatching(/^(True|False)$/),
      });
    }
  });

  it('hands a shard back to a replica that joins, so three replicas hold one shard each again', async () => {
    startReplica('replica-d');
    const joinedAtMs = Date.now();
    const after = await balanced([...replicas.keys()]);
    const rebalancedMs = Date.now() - joinedAtMs;
    process.stdout.write(`scale-up: replica-d got its share ${rebalancedMs} ms after it started\n`);
    const byCycle = await cyclesAfter(lastCycleId(), 3);

    expect(after).toContain('replica-d');
    expect([...after].sort()).toEqual([...replicas.keys()].sort());
    for (const perTarget of byCycle.values()) {
      expect(Object.fromEntries(perTarget)).toEqual(
        Object.fromEntries(targets.map((t) => [t.id, [after[t.shard]]])),
      );
    }
    // The replica that handed the shard to replica-d no longer keeps its targets' statuses.
    const shardOfD = after.indexOf('replica-d');
    const released = [...replicas.values()]
      .flatMap((r) => r.lines)
      .filter(
        (l) =>
          l.msg === 'released the statuses of a shard handed back' &&
          l.shard === shardOfD &&
          (l.time as number) >= joinedAtMs,
      );
    expect(released.map((l) => l.released)).toEqual([targets.filter((t) => t.shard === shardOfD).length]);
  });

  it('hands its shard over quickly when a replica gets SIGTERM (it releases its Leases) and exits 0', async () => {
    const shardHolders = holders();
    const leaving = shardHolders[0]!;
    const before = lastCycleId();
    const stoppedAtMs = Date.now();
    const code = await stopOperator(replicas.get(leaving)!);
    replicas.delete(leaving);
    const first = await eventually(
      'a publication of shard 0 by another replica',
      () =>
        publications().find(
          (p) =>
            p.cycleId > before &&
            p.publisher !== leaving &&
            targets.filter((t) => t.shard === 0).every((t) => p.targetIds.includes(t.id)),
        ),
      60_000,
    );
    process.stdout.write(
      `sharded SIGTERM handover: shard 0 published by ${first.publisher} ${first.receivedAtMs - stoppedAtMs} ms after SIGTERM\n`,
    );

    expect(code).toBe(0);
    expect([...replicas.keys()]).toContain(first.publisher);
  });

  it('never published a target twice in one cycle, through start-up, handovers and rebalancing', () => {
    const publishers = new Map<string, string[]>();
    for (const p of publications())
      for (const id of p.targetIds) {
        const key = `${p.cycleId} ${id}`;
        publishers.set(key, [...(publishers.get(key) ?? []), p.publisher]);
      }
    const twice = [...publishers]
      .filter(([, by]) => by.length > 1)
      .map(([key, by]) => `${key} ${by.join(',')}`);

    expect(publishersByCycle(0).size).toBeGreaterThan(15);
    expect(twice).toEqual([]);
  });
});
