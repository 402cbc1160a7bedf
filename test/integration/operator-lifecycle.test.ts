import { jest } from '@jest/globals';
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
import { createTestNamespace, eventually, kubectlOk } from '../support/kubectl-runner.js';

type Conditioned = Parameters<typeof conditionOf>[0] & {
  status?: { effectiveOptimizationGoal?: number; invitesPerInterval?: number };
};

const chatId = 'Proactive Chat:chat';
const voiceId = 'Proactive Voice:voice';

/** Resolves after `ms` of real time: only for "nothing happens for a while" checks, never for a deadline. */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A story with a real apiserver, a child process and real servers takes longer than jest's default 5 s.
jest.setTimeout(180_000);

describe('changing, deleting and re-creating pacing objects while the operator runs', () => {
  let namespace: string;
  let clusterId: string;
  let world: ReferenceWorld;
  let operator: OperatorProcess;

  /** The newest request the engagement server received for this cluster after `afterCycleId`, if any. */
  const latestRequestAfter = (afterCycleId: number) =>
    receivedRequestsOf(world, clusterId)
      .filter((r) => r.cycleId > afterCycleId)
      .at(-1);
  const latestCycleId = () => receivedRequestsOf(world, clusterId).at(-1)?.cycleId ?? 0;
  /** A chat PacingTarget of the demo cluster with one agent group. */
  const targetOfDemo = (name: string, virtualQueue: string, group: Record<string, unknown>) => ({
    apiVersion: 'pacing.agentpacing.dev/v1alpha1',
    kind: 'PacingTarget',
    metadata: { name, namespace },
    spec: {
      clusterRef: { name: 'demo' },
      virtualQueue: { name: virtualQueue, media: 'chat' },
      agentGroups: [group],
    },
  });

  beforeAll(async () => {
    buildOperator();
    namespace = createTestNamespace('op-lifecycle');
    clusterId = `${namespace}/demo`;
    world = await startReferenceWorld();
    operator = startOperator(['--watch-namespace', namespace, '--lease-namespace', namespace]);
    applyObjects(examplesFor(namespace, world));
    await eventually(
      'both targets in a published cycle',
      () => {
        const request = latestRequestAfter(0);
        return request?.targets.length === 2 ? request : undefined;
      },
      90_000,
    );
  });

  afterAll(async () => {
    if (operator) await stopOperator(operator);
    await world?.close();
  });

  it('sends 0 invitations for a target as soon as it is paused and reports Pacing=False Paused', async () => {
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

    const request = await eventually('a cycle with the chat target at 0', () => {
      const r = latestRequestAfter(before);
      return r?.targets.find((t) => t.id === chatId)?.invites === 0 ? r : undefined;
    });
    const target = await eventually('Pacing=False Paused on the chat target', () => {
      const t = getJson<Conditioned>(namespace, ['pt', 'proactive-chat-chat']);
      return conditionOf(t, 'Pacing')?.reason === 'Paused' ? t : undefined;
    });

    expect(request.targets.map((t) => t.id).sort()).toEqual([chatId, voiceId]);
    expect(conditionOf(target, 'Pacing')?.status).toBe('False');
    const cyclesLater = receivedRequestsOf(world, clusterId).filter(
      (r) => r.cycleId > before && r.cycleId <= request.cycleId,
    );
    process.stdout.write(
      `paused target reached the platform after ${cyclesLater.length} published cycle(s)\n`,
    );

    kubectlOk([
      'patch',
      'pt',
      'proactive-chat-chat',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      '{"spec":{"paused":false}}',
    ]);
  });

  it('publishes a changed agent group list with the next cycles', async () => {
    const before = latestCycleId();
    kubectlOk([
      'patch',
      'pt',
      'proactive-chat-chat',
      '-n',
      namespace,
      '--type=json',
      '-p',
      JSON.stringify([{ op: 'remove', path: '/spec/agentGroups/1' }]),
    ]);

    const request = await eventually('a cycle with the chat target served by Chat Agents only', () => {
      const r = latestRequestAfter(before);
      const groups = r?.targets.find((t) => t.id === chatId)?.groups;
      return groups !== undefined && groups.length === 1 ? r : undefined;
    });

    expect(request.targets.find((t) => t.id === chatId)?.groups).toEqual(['Chat Agents']);
  });

  it('shows a changed optimization goal as the effective goal in status', async () => {
    kubectlOk([
      'patch',
      'pt',
      'proactive-chat-chat',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      '{"spec":{"optimizationGoal":7}}',
    ]);

    const target = await eventually('effectiveOptimizationGoal 7', () => {
      const t = getJson<Conditioned>(namespace, ['pt', 'proactive-chat-chat']);
      return t.status?.effectiveOptimizationGoal === 7 ? t : undefined;
    });

    expect(conditionOf(target, 'Ready')?.status).toBe('True');
  });

  it('refuses a target whose skill expression does not parse, says where, and keeps pacing the others', async () => {
    const before = latestCycleId();
    applyObjects([
      targetOfDemo('broken-expression', 'Broken', {
        name: 'Broken Group',
        skillExpression: 'Spanish > 5 & Sales >= 3 | French > 1',
      }),
    ]);

    const target = await eventually('Accepted=False on the broken target', () => {
      const t = getJson<Conditioned>(namespace, ['pt', 'broken-expression']);
      return conditionOf(t, 'Accepted')?.status === 'False' ? t : undefined;
    });
    const events = await eventually('a Warning Event regarding the broken target', () => {
      const list = getJson<{ items: { reason?: string; type?: string; regarding?: { name?: string } }[] }>(
        namespace,
        ['events.events.k8s.io'],
      );
      const found = list.items.filter(
        (e) => e.regarding?.name === 'broken-expression' && e.type === 'Warning',
      );
      return found.length > 0 ? found : undefined;
    });
    const request = await eventually('a later cycle', () => latestRequestAfter(before));

    expect(conditionOf(target, 'Accepted')).toMatchObject({ reason: 'InvalidSkillExpression' });
    expect(conditionOf(target, 'Accepted')?.message).toContain('spec.agentGroups[0].skillExpression');
    expect(events.map((e) => e.reason)).toContain('InvalidSkillExpression');
    expect(request.targets.map((t) => t.id).sort()).toEqual([chatId, voiceId]);
    kubectlOk(['delete', 'pt', 'broken-expression', '-n', namespace]);
  });

  it('leaves a second target of the same virtual queue and media unpaced and names the one that holds it', async () => {
    applyObjects([targetOfDemo('second-chat', 'Proactive Chat', { name: 'Second Group', agents: ['a-1'] })]);

    const second = await eventually('Ready=False on the second target', () => {
      const t = getJson<Conditioned>(namespace, ['pt', 'second-chat']);
      return conditionOf(t, 'Ready')?.status === 'False' ? t : undefined;
    });
    const before = latestCycleId();
    const request = await eventually('a later cycle', () => latestRequestAfter(before));
    const holder = getJson<Conditioned>(namespace, ['pt', 'proactive-chat-chat']);

    expect(conditionOf(second, 'Accepted')?.status).toBe('True');
    expect(conditionOf(second, 'Ready')?.reason).toBe('VirtualQueueTaken');
    expect(conditionOf(second, 'Ready')?.message).toContain(`PacingTarget ${namespace}/proactive-chat-chat`);
    expect(conditionOf(holder, 'Ready')?.status).toBe('True');
    // The queue is published once, for its holder.
    expect(request.targets.map((t) => t.id).sort()).toEqual([chatId, voiceId]);
    kubectlOk(['delete', 'pt', 'second-chat', '-n', namespace]);
  });

  it('marks only the target the platform rejects and keeps pacing the other', async () => {
    world.engagement.faults.add(
      { kind: 'target-error', id: voiceId, code: 'QUEUE_DISABLED', message: 'queue disabled' },
      100_000,
    );

    const target = await eventually('Pacing=False TargetError on the voice target', () => {
      const t = getJson<Conditioned>(namespace, ['pt', 'proactive-voice-voice']);
      return conditionOf(t, 'Pacing')?.reason === 'TargetError' ? t : undefined;
    });
    const chat = getJson<Conditioned>(namespace, ['pt', 'proactive-chat-chat']);
    world.engagement.faults.clear();

    expect(conditionOf(target, 'Pacing')?.message).toContain('QUEUE_DISABLED');
    expect(conditionOf(chat, 'Pacing')?.reason).not.toBe('TargetError');
  });

  it('drops a deleted target from the following cycles and keeps pacing the other', async () => {
    kubectlOk(['delete', 'pt', 'proactive-voice-voice', '-n', namespace, '--wait=true']);
    const before = latestCycleId();

    const request = await eventually('a cycle without the voice target', () => {
      const r = latestRequestAfter(before);
      return r !== undefined && r.targets.every((t) => t.id !== voiceId) ? r : undefined;
    });
    // Consistently: a few more cycles, none of them with the deleted target.
    await pause(3000);

    expect(request.targets.map((t) => t.id)).toEqual([chatId]);
    expect(
      receivedRequestsOf(world, clusterId)
        .filter((r) => r.cycleId >= request.cycleId)
        .every((r) => r.targets.every((t) => t.id !== voiceId)),
    ).toBe(true);
  });

  it('stops publishing when the cluster is deleted and marks its targets ClusterNotFound', async () => {
    kubectlOk(['delete', 'pacingcluster', 'demo', '-n', namespace, '--wait=true']);

    await eventually('the worker-stopped log line', () =>
      operator.lines.find(
        (l) => l.msg === 'pacing cluster deleted; worker stopped' && l.cluster === clusterId,
      ),
    );
    const countAtStop = world.engagement.publications().filter((p) => p.clusterId === clusterId).length;
    const target = await eventually('Ready=False ClusterNotFound on the remaining target', () => {
      const t = getJson<Conditioned>(namespace, ['pt', 'proactive-chat-chat']);
      return conditionOf(t, 'Ready')?.reason === 'ClusterNotFound' ? t : undefined;
    });
    await pause(3000);

    expect(conditionOf(target, 'Ready')?.status).toBe('False');
    expect(world.engagement.publications().filter((p) => p.clusterId === clusterId)).toHaveLength(
      countAtStop,
    );
  });

  it('resumes pacing the waiting target when the cluster is created again', async () => {
    applyObjects(examplesFor(namespace, world).filter((o) => o.kind === 'PacingCluster'));

    const target = await eventually(
      'Ready=True again',
      () => {
        const t = getJson<Conditioned>(namespace, ['pt', 'proactive-chat-chat']);
        return conditionOf(t, 'Ready')?.status === 'True' ? t : undefined;
      },
      60_000,
    );
    const countBefore = world.engagement.publications().filter((p) => p.clusterId === clusterId).length;
    await eventually('new publications', () =>
      world.engagement.publications().filter((p) => p.clusterId === clusterId).length > countBefore
        ? true
        : undefined,
    );

    expect(conditionOf(target, 'Ready')?.reason).toBe('ClusterReady');
  });
});
