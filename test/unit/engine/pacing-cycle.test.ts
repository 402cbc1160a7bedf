import {
  pendingInvitationsOf,
  PacingRoomDecider,
  runPacingCycle,
  type CycleInput,
  type CyclePorts,
  type TargetConfig,
} from '../../../src/engine/index.js';
import { FakeClock } from './fake-clock.js';
import {
  aClusterConfig,
  aTarget,
  FakeDecider,
  FakeEngagement,
  FakeStats,
  ShardSwitchFence,
  SwitchFence,
} from './engine-fakes.js';
import { aQueue } from '../../support/virtual-queue-fixture.js';

function setUp(targets: TargetConfig[] = [aTarget('sales'), aTarget('support')]) {
  const clock = new FakeClock(Date.parse('2026-11-25T18:00:00.000Z'));
  const stats = new FakeStats(clock);
  const engagement = new FakeEngagement();
  const decider = new FakeDecider();
  const fence = new SwitchFence();
  const ports: CyclePorts = { stats, engagement, decider, fence, clock, publisher: 'op-1' };
  const input: CycleInput = {
    cluster: aClusterConfig(),
    targets,
    cycleId: 42,
    slotStartMs: clock.nowMs(),
    learnedState: { 'sales:chat': { cycles: 7 } },
    reports: new Map(),
    signal: new AbortController().signal,
  };
  return { clock, stats, engagement, decider, fence, ports, input };
}

/** An agent with two free chat slots. */
function aReadyAgent(id: string) {
  return { id, groups: [], skills: {}, media: { chat: { state: 'ready' as const, capacity: 2, load: 0 } } };
}

describe('runPacingCycle', () => {
  it('publishes the decided invitations of every target with its groups, cycle id and publisher', async () => {
    const { engagement, decider, ports, input } = setUp();
    decider.invites = { 'sales:chat': 3, 'support:chat': 0 };

    const result = await runPacingCycle(input, ports);

    expect(engagement.requests).toEqual([
      {
        clusterId: 'main',
        cycleId: 42,
        intervalMs: 1000,
        publisher: 'op-1',
        targets: [
          { id: 'sales:chat', invites: 3, groups: ['sales-agents'] },
          { id: 'support:chat', invites: 0, groups: ['support-agents'] },
        ],
      },
    ]);
    expect(result.outcome.isPublished).toBe(true);
    expect(result.outcome.targets.map((t) => [t.key, t.invites, t.reason])).toEqual([
      ['tenant-a/sales', 3, 'Paced'],
      ['tenant-a/support', 0, 'Paced'],
    ]);
    expect(result.learnedState).toEqual({ 'sales:chat': { cycles: 8 }, 'support:chat': { cycles: 1 } });
  });

  it('reports the pending invitations from the platform answer beside the figures the decision saw', async () => {
    const { engagement, ports, input } = setUp();
    engagement.pending = 6;

    const result = await runPacingCycle(input, ports);

    expect(result.outcome.targets[0]?.figures?.pending).toBe(0);
    expect(pendingInvitationsOf(result.outcome.targets[0]!)).toBe(6);
    expect(result.reports.get('sales:chat')?.pending).toBe(6);
  });

  it.each([
    ['paused target gets 0 whatever the policy says', { isPaused: true }, 9, 0, 'Paused'],
    ['invitations never exceed maxInvitesPerInterval', { maxInvitesPerInterval: 2 }, 9, 2, 'Paced'],
    ['a negative decision becomes 0', {}, -3, 0, 'Paced'],
    ['a fractional decision is rounded down', {}, 2.7, 2, 'Paced'],
    ['a non-finite decision becomes 0', {}, Number.NaN, 0, 'Paced'],
  ])('%s', async (_name, targetOverrides, decided, expected, reason) => {
    const { engagement, decider, ports, input } = setUp([aTarget('sales', targetOverrides)]);
    decider.invites = { 'sales:chat': decided };

    const result = await runPacingCycle(input, ports);

    expect(engagement.requests[0]?.targets[0]?.invites).toBe(expected);
    expect(result.outcome.targets[0]).toMatchObject({ invites: expected, reason });
  });

  it.each([
    [
      'unreachable statistics',
      { failure: new Error('connect ECONNREFUSED') },
      'StatsUnavailable',
      'Unreachable',
    ],
    ['stale statistics', { ageMs: 6000 }, 'StatsStale', 'Stale'],
  ])(
    'fails safe on %s: publishes 0 for every target and says why',
    async (_n, statsSetup, reason, statsReason) => {
      const { stats, engagement, decider, ports, input } = setUp();
      Object.assign(stats, statsSetup);

      const result = await runPacingCycle(input, ports);

      expect(decider.inputs).toHaveLength(0);
      expect(engagement.requests[0]?.targets.map((t) => t.invites)).toEqual([0, 0]);
      expect(result.outcome.targets.map((t) => t.reason)).toEqual([reason, reason]);
      expect(result.outcome.stats).toMatchObject({ isHealthy: false, reason: statsReason });
      expect(result.learnedState).toBe(input.learnedState);
    },
  );

  it('fails safe when the policy throws: 0 for every target with reason PolicyFailed', async () => {
    const { decider, engagement, ports, input } = setUp();
    decider.failure = new Error('division by zero');

    const result = await runPacingCycle(input, ports);

    expect(engagement.requests[0]?.targets.map((t) => t.invites)).toEqual([0, 0]);
    expect(result.outcome.targets[0]).toMatchObject({ reason: 'PolicyFailed', invites: 0 });
    expect(result.outcome.targets[0]?.message).toContain('division by zero');
  });

  it('reports an unreachable engagement platform and keeps the learned state and reports unchanged', async () => {
    const { engagement, ports, input } = setUp();
    engagement.failure = Object.assign(new Error('503 from platform'), {
      code: 'PACING_ERR_ENGAGEMENT_HTTP',
    });

    const result = await runPacingCycle(input, ports);

    expect(result.outcome.engagement).toMatchObject({ isHealthy: false, reason: 'Unreachable' });
    expect(result.outcome.engagement.message).toContain('PACING_ERR_ENGAGEMENT_HTTP');
    expect(result.outcome.targets.map((t) => [t.invites, t.reason])).toEqual([
      [0, 'EngagementUnreachable'],
      [0, 'EngagementUnreachable'],
    ]);
    expect(result.learnedState).toBe(input.learnedState);
    expect(result.reports).toBe(input.reports);
  });

  it('marks a target the platform rejected and leaves the others paced', async () => {
    const { engagement, ports, input } = setUp();
    engagement.rejected.add('support:chat');

    const result = await runPacingCycle(input, ports);

    expect(result.outcome.targets.map((t) => t.reason)).toEqual(['Paced', 'EngagementRejected']);
    expect(result.outcome.targets[1]?.message).toContain('no such queue');
  });

  it('keeps the last good counters of a target the platform reported in error, so no delta is inflated', async () => {
    const { engagement, ports, input } = setUp();
    const lastGood = {
      id: 'support:chat',
      pending: 3,
      sentTotal: 120,
      acceptedTotal: 30,
      declinedTotal: 60,
      expiredTotal: 10,
    };
    engagement.rejected.add('support:chat');

    const result = await runPacingCycle({ ...input, reports: new Map([['support:chat', lastGood]]) }, ports);

    expect(result.reports.get('support:chat')).toEqual(lastGood);
    expect(result.reports.get('sales:chat')?.pending).toBe(2);
  });

  it("sends the lease's fencing token with every target, read at the fence check", async () => {
    const { engagement, fence, ports, input, stats } = setUp();
    fence.token = '41';
    const fetch = stats.fetch.bind(stats);
    stats.fetch = async (signal) => {
      const snapshot = await fetch(signal);
      fence.token = '42'; // renewed while the cycle ran: the publish carries the latest write
      return snapshot;
    };

    await runPacingCycle(input, ports);

    expect(engagement.requests[0]?.targets.map((t) => [t.id, t.fence])).toEqual([
      ['sales:chat', '42'],
      ['support:chat', '42'],
    ]);
  });

  it('sends no fencing token without one, so a platform applies the publish as before', async () => {
    const { engagement, ports, input } = setUp();
    await runPacingCycle(input, ports);
    expect(engagement.requests[0]?.targets.every((t) => !('fence' in t))).toBe(true);
  });

  it('counts a publish the platform refused for a stale fencing token as not published, keeping the state', async () => {
    const { engagement, ports, input } = setUp();
    engagement.staleFence = new Set(['sales:chat', 'support:chat']);

    const result = await runPacingCycle(input, ports);

    expect(result.outcome.isPublished).toBe(false);
    expect(result.outcome.engagement).toMatchObject({ isHealthy: false, reason: 'Fenced' });
    expect(result.outcome.targets.map((t) => [t.reason, t.detailReason, t.invites])).toEqual([
      ['LeaseLost', 'STALE_FENCE', 0],
      ['LeaseLost', 'STALE_FENCE', 0],
    ]);
    expect(result.learnedState).toBe(input.learnedState);
    expect(result.reports).toBe(input.reports);
  });

  it('marks only the targets refused for a stale fencing token as lost, not as rejected, when others applied', async () => {
    const { engagement, ports, input } = setUp();
    engagement.staleFence = new Set(['support:chat']);

    const result = await runPacingCycle(input, ports);

    expect(result.outcome.isPublished).toBe(true);
    expect(result.outcome.targets.map((t) => [t.reason, t.detailReason])).toEqual([
      ['Paced', 'Paced'],
      ['LeaseLost', 'STALE_FENCE'],
    ]);
    expect(result.outcome.targets[1]?.message).toContain('another replica publishes it');
  });

  it('publishes nothing when the lease was lost before publishing', async () => {
    const { engagement, fence, ports, input } = setUp();
    fence.isHolding = false;

    const result = await runPacingCycle(input, ports);

    expect(engagement.requests).toHaveLength(0);
    expect(result.outcome.isPublished).toBe(false);
    expect(result.outcome.targets.map((t) => t.reason)).toEqual(['LeaseLost', 'LeaseLost']);
    expect(result.learnedState).toBe(input.learnedState);
  });

  it('publishes nothing when the cycle was aborted (stop or timeout) before publishing', async () => {
    const { engagement, ports, input } = setUp();
    const abort = new AbortController();
    abort.abort();

    const result = await runPacingCycle({ ...input, signal: abort.signal }, ports);

    expect(engagement.requests).toHaveLength(0);
    expect(result.outcome.isPublished).toBe(false);
    expect(result.outcome.engagement.reason).toBe('Aborted');
  });

  it('reports the thread CPU of each phase when the clock reads it, and none when it does not', async () => {
    const { clock, stats, engagement, decider, ports, input } = setUp();
    let cpuMs = 1000;
    const cpuClock = { nowMs: () => clock.nowMs(), sleep: clock.sleep.bind(clock), threadCpuMs: () => cpuMs };
    // Each port spends a known CPU time, as the real phases would.
    const spending = {
      stats: { fetch: (...a: Parameters<typeof stats.fetch>) => ((cpuMs += 7), stats.fetch(...a)) },
      decider: {
        decide: (...a: Parameters<typeof decider.decide>) => ((cpuMs += 30.04), decider.decide(...a)),
      },
      engagement: {
        exchange: (...a: Parameters<typeof engagement.exchange>) => (
          (cpuMs += 12),
          engagement.exchange(...a)
        ),
      },
    };

    const measured = await runPacingCycle(input, { ...ports, ...spending, clock: cpuClock });
    const wallOnly = await runPacingCycle(input, ports);

    expect(measured.outcome.phasesCpuMs).toEqual({ stats: 7, decide: 30, publish: 12 });
    expect(wallOnly.outcome.phasesMs).toBeDefined();
    expect(wallOnly.outcome.phasesCpuMs).toBeUndefined();
  });

  it('publishes nothing when the cluster has no targets', async () => {
    const { engagement, ports, input } = setUp([]);

    const result = await runPacingCycle(input, ports);

    expect(engagement.requests).toHaveLength(0);
    expect(result.outcome.targets).toEqual([]);
  });
});

describe('runPacingCycle with sharded leases', () => {
  function setUpSharded() {
    const base = setUp([aTarget('sales'), aTarget('support'), aTarget('billing')]);
    const fence = new ShardSwitchFence(
      { 'tenant-a/sales': 0, 'tenant-a/support': 1, 'tenant-a/billing': 0 },
      2,
    );
    return { ...base, fence, ports: { ...base.ports, fence } };
  }

  it('decides and publishes only the targets of the shards this instance holds', async () => {
    const { engagement, decider, fence, ports, input } = setUpSharded();
    fence.held = new Set([0]);
    decider.invites = { 'sales:chat': 2, 'billing:chat': 1, 'support:chat': 5 };

    const result = await runPacingCycle(input, ports);

    expect(engagement.requests.map((r) => r.targets.map((t) => [t.id, t.invites]))).toEqual([
      [
        ['sales:chat', 2],
        ['billing:chat', 1],
      ],
    ]);
    expect(result.outcome.targets.map((t) => t.key)).toEqual(['tenant-a/sales', 'tenant-a/billing']);
    expect(result.outcome.clusterTargetCount).toBe(3);
    expect(Object.keys(result.learnedState).sort()).toEqual(['billing:chat', 'sales:chat']);
  });

  it("asks the statistics source for the held targets' agents and queues only", async () => {
    const { stats, fence, ports, input } = setUpSharded();
    fence.held = new Set([0]);
    const targets = [
      aTarget('sales', { groups: [{ name: 'list', agents: ['a-1', 'a-2'] }] }),
      aTarget('support', { groups: [{ name: 'support-agents' }] }),
      aTarget('billing', {
        groups: [{ name: 'es', skillExpression: 'Spanish > 5' }, { name: 'billing-agents' }],
      }),
    ];

    await runPacingCycle({ ...input, targets }, ports);

    expect(stats.selections).toEqual([
      {
        agentIds: ['a-1', 'a-2'],
        agentGroups: ['billing-agents'],
        skillExpressions: ['Spanish > 5'],
        virtualQueues: ['sales', 'billing'],
      },
    ]);
  });

  it('asks an unsharded cycle for the whole snapshot, as before sharding', async () => {
    const { stats, ports, input } = setUp();
    await runPacingCycle(input, ports);
    expect(stats.selections).toEqual([undefined]);
  });

  it('leaves a shard taken over after the slot started to the next slot (its previous holder may have published it)', async () => {
    const { engagement, fence, ports, input } = setUpSharded();
    fence.held = new Set([0, 1]);
    fence.heldSince.set(0, input.slotStartMs - 5000);
    fence.heldSince.set(1, input.slotStartMs + 1);

    const result = await runPacingCycle(input, ports);

    expect(engagement.requests.map((r) => r.targets.map((t) => t.id))).toEqual([
      ['sales:chat', 'billing:chat'],
    ]);
    expect(result.outcome.targets.map((t) => t.key)).toEqual(['tenant-a/sales', 'tenant-a/billing']);
  });

  it.each([
    [
      'only the agents and queues of the held targets when every group lists its agents',
      undefined,
      ['a-1'],
      ['sales'],
    ],
    [
      'the whole snapshot when a held target has a skill-expression group',
      'Spanish > 5',
      ['a-1', 'a-2'],
      ['sales', 'support'],
    ],
  ])('hands the decider %s', async (_name, skillExpression, agentIds, queues) => {
    const { stats, decider, fence, ports, input } = setUpSharded();
    fence.held = new Set([0]);
    stats.agents = [aReadyAgent('a-1'), aReadyAgent('a-2')];
    stats.virtualQueues = [aQueue('sales'), aQueue('support')];
    const targets = [
      aTarget('sales', { groups: [{ name: 'sales-agents', agents: ['a-1'] }] }),
      aTarget('support', { groups: [{ name: 'support-agents', agents: ['a-2'] }] }),
      aTarget('billing', {
        virtualQueue: 'sales',
        groups:
          skillExpression === undefined
            ? [{ name: 'billing', agents: ['a-1'] }]
            : [{ name: 'billing', skillExpression }],
      }),
    ];

    await runPacingCycle({ ...input, targets }, ports);

    expect(decider.inputs[0]?.snapshot.agents.map((a) => a.id)).toEqual(agentIds);
    expect(decider.inputs[0]?.snapshot.virtualQueues.map((q) => q.name)).toEqual(queues);
  });

  it('hands the decider the answer as it is when the source answered the selection the cycle asked for', async () => {
    const { stats, decider, fence, ports, input } = setUpSharded();
    fence.held = new Set([0]);
    // A source answering the query leaves out what the selection does not name; this fake does not, so an agent
    // the held targets do not list shows whether the engine cut the answer again.
    stats.agents = [aReadyAgent('a-1'), aReadyAgent('a-2')];
    stats.virtualQueues = [aQueue('sales')];
    stats.answersSelection = true;
    const targets = [
      aTarget('sales', { groups: [{ name: 'sales-agents', agents: ['a-1'] }] }),
      aTarget('support', { groups: [{ name: 'support-agents', agents: ['a-2'] }] }),
      aTarget('billing', { virtualQueue: 'sales', groups: [{ name: 'billing', agents: ['a-1'] }] }),
    ];

    await runPacingCycle({ ...input, targets }, ports);
    stats.answersSelection = false;
    await runPacingCycle({ ...input, targets }, ports);

    expect(decider.inputs.map((i) => i.snapshot.agents.map((a) => a.id))).toEqual([['a-1', 'a-2'], ['a-1']]);
  });

  it('hands the decider only the peer targets that may share an agent of the cut snapshot', async () => {
    const { stats, decider, ports, input } = setUpSharded();
    stats.agents = ['a-1', 'a-2', 'a-3'].map((id) => ({
      id,
      groups: id === 'a-1' ? ['blended'] : [],
      skills: {},
      media: { chat: { state: 'ready' as const, capacity: 2, load: 0 } },
    }));
    const peer = (name: string, groups: TargetConfig['groups']) => ({
      ...aTarget(name, { groups }),
      key: `tenant-a/${name}`,
    });
    // Shard 1 holds every peer; unknown keys would fall in shard 0, which this instance holds.
    const fence = new ShardSwitchFence(
      {
        'tenant-a/sales': 0,
        'tenant-a/shares-by-list': 1,
        'tenant-a/shares-by-name': 1,
        'tenant-a/skilled': 1,
        'tenant-a/apart': 1,
      },
      2,
    );
    fence.held = new Set([0]);
    const targets = [
      aTarget('sales', { groups: [{ name: 'list', agents: ['a-1'] }] }),
      peer('shares-by-list', [{ name: 'list', agents: ['a-3', 'a-1'] }]),
      peer('shares-by-name', [{ name: 'blended' }]),
      peer('skilled', [{ name: 'es', skillExpression: 'Spanish > 5' }]),
      peer('apart', [{ name: 'list', agents: ['a-2', 'a-3'] }]),
    ];

    await runPacingCycle({ ...input, targets }, { ...ports, fence });

    expect(decider.inputs[0]?.capacityPeers?.map((t) => t.key)).toEqual([
      'tenant-a/shares-by-list',
      'tenant-a/shares-by-name',
      'tenant-a/skilled',
    ]);
  });

  it('decides the held targets on the cut snapshot exactly as an unsharded instance decides them', async () => {
    const { stats, fence, ports, input } = setUpSharded();
    fence.held = new Set([0]);
    stats.agents = Array.from({ length: 6 }, (_, i) => ({
      id: `a-${i + 1}`,
      groups: [],
      skills: {},
      media: { chat: { state: 'ready' as const, capacity: 2, load: i % 2 } },
    }));
    stats.virtualQueues = ['sales', 'support', 'billing'].map((name) => ({
      name,
      media: 'chat',
      waiting: 0,
      acceptedTotal: 10,
      abandonedTotal: 0,
      answeredTotal: 10,
      handleSecondsTotal: 3000,
    }));
    const group = (name: string, agents: string[]) => [{ name, agents }];
    const targets = [
      aTarget('sales', { groups: group('sales-agents', ['a-1', 'a-2', 'a-3']) }),
      // a-4 serves billing (shard 0) and support (shard 1): shared across shards.
      aTarget('support', { groups: group('support-agents', ['a-4', 'a-5', 'a-6']) }),
      aTarget('billing', { groups: group('billing-agents', ['a-3', 'a-4']) }),
    ];
    const real = { ...ports, decider: new PacingRoomDecider() };
    const held = new Set(['sales:chat', 'billing:chat']);

    const sharded = await runPacingCycle({ ...input, targets }, real);
    // The reference: one unsharded instance pacing the whole cluster (a-4 split between billing and support).
    const whole = await runPacingCycle(
      { ...input, targets },
      { ...real, fence: { holdsValidLease: () => true } },
    );

    const invitesOf = (r: typeof sharded) =>
      r.outcome.targets.filter((t) => held.has(t.id)).map((t) => [t.id, t.invites, t.figures?.freeSlots]);
    expect(invitesOf(sharded)).toEqual(invitesOf(whole));
    expect(invitesOf(sharded).some(([, invites]) => (invites as number) > 0)).toBe(true);
    expect(sharded.learnedState).toEqual(
      Object.fromEntries(Object.entries(whole.learnedState).filter(([id]) => held.has(id))),
    );
  });

  it("sends each target with its own shard Lease's fencing token", async () => {
    const { engagement, fence, ports, input } = setUpSharded();
    fence.held = new Set([0, 1]);
    fence.tokens.set(0, '700');
    fence.tokens.set(1, '650');

    await runPacingCycle(input, ports);

    expect(engagement.requests[0]?.targets.map((t) => [t.id, t.fence])).toEqual([
      ['sales:chat', '700'],
      ['support:chat', '650'],
      ['billing:chat', '700'],
    ]);
  });

  it('drops the targets of a shard lost during the cycle from that very publish', async () => {
    const { engagement, stats, fence, ports, input } = setUpSharded();
    fence.held = new Set([0, 1]);
    // The statistics fetch is the slow part of a cycle: the shard is lost while it runs.
    const fetch = stats.fetch.bind(stats);
    stats.fetch = async (signal) => {
      const snapshot = await fetch(signal);
      fence.held = new Set([0]);
      return snapshot;
    };

    const result = await runPacingCycle(input, ports);

    expect(engagement.requests.map((r) => r.targets.map((t) => t.id))).toEqual([
      ['sales:chat', 'billing:chat'],
    ]);
    expect(result.outcome.isPublished).toBe(true);
    expect(result.outcome.targets.map((t) => [t.key, t.reason])).toEqual([
      ['tenant-a/sales', 'Paced'],
      ['tenant-a/billing', 'Paced'],
      ['tenant-a/support', 'LeaseLost'],
    ]);
  });

  it('publishes nothing when every shard it started with was lost before publishing', async () => {
    const { engagement, stats, fence, ports, input } = setUpSharded();
    fence.held = new Set([1]);
    const fetch = stats.fetch.bind(stats);
    stats.fetch = async (signal) => {
      const snapshot = await fetch(signal);
      fence.held = new Set([0]);
      return snapshot;
    };

    const result = await runPacingCycle(input, ports);

    expect(engagement.requests).toHaveLength(0);
    expect(result.outcome.isPublished).toBe(false);
    expect(result.outcome.targets.map((t) => [t.key, t.reason])).toEqual([['tenant-a/support', 'LeaseLost']]);
  });
});
