import { loadScenarioFile, createLiveContactCenter, parseScenario } from '../../../src/sim/index.js';

const start = Date.UTC(2026, 0, 5, 8, 0, 0);
const steady = loadScenarioFile('test/bench/scenarios/steady-chat-10.yaml');

describe('the live contact center', () => {
  it('serves a snapshot of the current simulated time with every agent and queue', () => {
    const live = createLiveContactCenter(steady, 1, start);
    live.advanceTo(start + 5000);
    const snapshot = live.snapshot();
    expect(snapshot.snapshotTime).toBe(new Date(start + 5000).toISOString());
    expect(snapshot.agents).toHaveLength(10);
    expect(snapshot.agents[0]).toMatchObject({
      groups: ['Proactive Chat'],
      media: { chat: { state: 'ready', capacity: 1, load: 0 } },
    });
    expect(snapshot.virtualQueues).toEqual([
      expect.objectContaining({ name: 'Proactive Chat', media: 'chat', waiting: 0, acceptedTotal: 0 }),
    ]);
    expect(live.targetIds()).toEqual(['Proactive Chat:chat']);
  });

  it('reuses an unchanged agent between snapshots and builds a new one, with its new state, for a changed one', () => {
    const live = createLiveContactCenter(steady, 3, start);
    live.advanceTo(start + 1000);
    const before = live.snapshot();
    const frozenCopy = structuredClone(before.agents);
    live.applyAllowances({
      cycleId: 1,
      publisher: 'op',
      allowances: [{ id: 'Proactive Chat:chat', invites: 40 }],
    });
    live.advanceTo(start + 120_000);
    const after = live.snapshot();

    // The earlier snapshot still says what it said: nothing was written into shared objects.
    expect(before.agents).toEqual(frozenCopy);
    expect(Object.isFrozen(after.agents[0])).toBe(true);
    let reused = 0;
    after.agents.forEach((agent, a) => {
      const old = before.agents[a]!;
      if (agent === old) reused += 1;
      else expect(agent.media).not.toEqual(old.media);
      expect(agent.id).toBe(old.id);
    });
    // Forty accepted invitations made some of the ten agents busy: those are new objects.
    expect(reused).toBeLessThan(10);
    expect(after.agents.some((agent) => agent.media['chat']!.load > 0)).toBe(true);
    // The same combination of states is one shared record.
    const idle = after.agents.filter((agent) => agent.media['chat']!.load === 0);
    expect(new Set(idle.map((agent) => agent.media)).size).toBeLessThanOrEqual(1);
  });

  it('sends the allowed invitations once per cycle id, so a retried request never doubles them', () => {
    const live = createLiveContactCenter(steady, 1, start);
    const cycle = { cycleId: 7, publisher: 'op-1', allowances: [{ id: 'Proactive Chat:chat', invites: 5 }] };
    expect(live.applyAllowances(cycle)[0]).toMatchObject({
      id: 'Proactive Chat:chat',
      sentTotal: 5,
      pending: 5,
    });
    expect(live.applyAllowances(cycle)[0]).toMatchObject({ sentTotal: 5 });
    expect(live.applyAllowances({ ...cycle, cycleId: 8 })[0]).toMatchObject({ sentTotal: 10 });
  });

  it('resolves invitations as time passes: accepted ones become interactions answered by agents', () => {
    const live = createLiveContactCenter(steady, 3, start);
    live.applyAllowances({
      cycleId: 1,
      publisher: 'op',
      allowances: [{ id: 'Proactive Chat:chat', invites: 40 }],
    });
    live.advanceTo(start + 120_000);
    const [report] = live.applyAllowances({ cycleId: 2, publisher: 'op', allowances: [] });
    expect(report!.pending).toBe(0);
    expect(report!.acceptedTotal + report!.declinedTotal + report!.expiredTotal).toBe(40);
    expect(report!.acceptedTotal).toBeGreaterThan(0);
    const queue = live.snapshot().virtualQueues[0]!;
    expect(queue.acceptedTotal).toBe(report!.acceptedTotal);
    expect(queue.answeredTotal + queue.abandonedTotal + queue.waiting).toBe(queue.acceptedTotal);
  });

  it('reports an unknown target id with an error instead of failing the cycle', () => {
    const live = createLiveContactCenter(steady, 1, start);
    const reports = live.applyAllowances({
      cycleId: 1,
      publisher: 'op',
      allowances: [{ id: 'Nope:chat', invites: 3 }],
    });
    expect(reports.find((r) => r.id === 'Nope:chat')).toMatchObject({ error: { code: 'UNKNOWN_TARGET' } });
  });

  it('keeps serving the last snapshot, with its old time, during a statistics gap', () => {
    const scenario = parseScenario({ ...steady, events: [{ at: 10, statsGapSeconds: 30 }] });
    const live = createLiveContactCenter(scenario, 1, start);
    live.advanceTo(start + 9000);
    const before = live.snapshot();
    live.advanceTo(start + 25_000);
    expect(live.snapshot().snapshotTime).toBe(before.snapshotTime);
    live.advanceTo(start + 41_000);
    expect(live.snapshot().snapshotTime).toBe(new Date(start + 41_000).toISOString());
  });

  it('gives the same visitors for the same seed', () => {
    const run = (seed: number) => {
      const live = createLiveContactCenter(steady, seed, start);
      live.applyAllowances({
        cycleId: 1,
        publisher: 'op',
        allowances: [{ id: 'Proactive Chat:chat', invites: 30 }],
      });
      live.advanceTo(start + 90_000);
      return live.applyAllowances({ cycleId: 2, publisher: 'op', allowances: [] });
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('gives the n-th invitation the same fate whenever it is sent (common random numbers across policies)', () => {
    const fates = (schedule: readonly [number, number][]) => {
      const live = createLiveContactCenter(steady, 11, start);
      schedule.forEach(([atMs, invites], i) => {
        live.advanceTo(start + atMs);
        live.applyAllowances({
          cycleId: i + 1,
          publisher: 'op',
          allowances: [{ id: 'Proactive Chat:chat', invites }],
        });
      });
      live.advanceTo(start + 300_000);
      const [r] = live.applyAllowances({ cycleId: 99, publisher: 'op', allowances: [] });
      return [r!.acceptedTotal, r!.declinedTotal, r!.expiredTotal];
    };
    expect(fates([[0, 20]])).toEqual(
      fates([
        [0, 5],
        [40_000, 10],
        [90_000, 5],
      ]),
    );
  });
});
