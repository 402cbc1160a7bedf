import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { PacingWorker, type ClusterConfig, type PacingWorkerPorts } from '../../../src/engine/index.js';
import { FakeClock } from './fake-clock.js';
import {
  aClusterConfig,
  aTarget,
  FakeDecider,
  FakeEngagement,
  FakeStats,
  MemoryStateStore,
  RecordingSink,
  ShardedMemoryStateStore,
  ShardSwitchFence,
  silentLogger,
  SwitchFence,
} from './engine-fakes.js';

const startMs = Date.parse('2026-11-25T18:00:00.500Z');

function setUp(
  config: Partial<ClusterConfig> = {},
  logger: Logger = silentLogger,
  extraPorts: (clock: FakeClock) => Partial<PacingWorkerPorts> = () => ({}),
) {
  const clock = new FakeClock(startMs);
  const stats = new FakeStats(clock);
  const engagement = new FakeEngagement();
  const decider = new FakeDecider();
  const fence = new SwitchFence();
  const sink = new RecordingSink();
  const stateStore = new MemoryStateStore();
  const worker = new PacingWorker(aClusterConfig(config), [aTarget('sales')], {
    stats,
    engagement,
    decider,
    fence,
    clock,
    publisher: 'op-1',
    stateStore,
    sink,
    logger,
    ...extraPorts(clock),
  });
  return { clock, stats, engagement, decider, fence, sink, stateStore, worker };
}

describe('PacingWorker', () => {
  it('runs one cycle per slot on the refresh-period grid, without drift, even when cycles take time', async () => {
    const { clock, stats, sink, worker } = setUp();
    stats.delayMs = 300;
    worker.start();

    await clock.advanceBy(4000);
    await worker.stop();

    expect(sink.outcomes.map((o) => o.slotStartMs - Date.parse('2026-11-25T18:00:00.000Z'))).toEqual([
      1000, 2000, 3000, 4000,
    ]);
    expect(sink.outcomes.map((o) => o.startedAtMs % 1000)).toEqual([0, 0, 0, 0]);
    expect(sink.skipped).toEqual([]);
  });

  it('skips and counts the slots a slow cycle overran instead of queueing them, never overlapping cycles', async () => {
    const { clock, stats, sink, worker } = setUp();
    stats.delayMs = 1500;
    worker.start();

    await clock.advanceBy(5000);
    await worker.stop();

    expect(stats.maxRunning).toBe(1);
    expect(sink.outcomes.map((o) => o.slotStartMs % 10_000)).toEqual([1000, 3000]);
    expect(sink.skipped).toEqual([
      { count: 1, reason: 'Overrun' },
      { count: 1, reason: 'Overrun' },
    ]);
  });

  it('gives cycle ids that grow with the slot and stay above the last id published', async () => {
    const { clock, engagement, worker } = setUp();
    worker.start();

    await clock.advanceBy(3000);
    await worker.stop();

    const ids = engagement.requests.map((r) => r.cycleId);
    expect(ids).toHaveLength(3);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
  });

  it('runs no cycle and fetches nothing while this instance does not hold the lease', async () => {
    const { clock, stats, engagement, fence, sink, worker } = setUp();
    fence.isHolding = false;
    worker.start();

    await clock.advanceBy(3000);
    await worker.stop();

    expect(stats.calls).toBe(0);
    expect(engagement.requests).toHaveLength(0);
    expect(sink.skipped).toEqual([
      { count: 1, reason: 'NotLeader' },
      { count: 1, reason: 'NotLeader' },
      { count: 1, reason: 'NotLeader' },
    ]);
  });

  it('runs the slot under way at once after a takeover the lease proves exclusive, and only then', async () => {
    const slot = (ms: number) => ms - Date.parse('2026-11-25T18:00:00.000Z');
    for (const [exclusiveOffsetMs, expected] of [
      // The old holder's fence closed before this slot began: nobody else can have published it.
      [-300, [3000, 4000]],
      // It closed after the slot began: the slot may have been published, so the next one is the first.
      [+100, [4000]],
    ] as const) {
      const { clock, fence, sink, worker } = setUp();
      fence.isHolding = false;
      worker.start();
      await clock.advanceBy(2800); // standby through the slots at 1 s, 2 s and 3 s; now 3.3 s
      fence.isHolding = true;
      fence.exclusiveSince = Date.parse('2026-11-25T18:00:03.000Z') + exclusiveOffsetMs;
      worker.leadershipGained();
      await clock.advanceBy(1000);
      await worker.stop();
      expect(sink.outcomes.map((o) => slot(o.slotStartMs))).toEqual(expected);
    }
  });

  it('does not run the slot under way when the worker was created during it', async () => {
    const { clock, fence, sink, worker } = setUp();
    fence.exclusiveSince = 0;
    worker.start(); // at 0.5 s, leading since long ago
    worker.leadershipGained();
    await clock.advanceBy(1000);
    await worker.stop();
    expect(sink.outcomes.map((o) => o.slotStartMs % 10_000)).toEqual([1000]);
  });

  it('continues from the persisted learned state when it becomes leader instead of cold-starting', async () => {
    const { clock, decider, engagement, fence, stateStore, worker } = setUp();
    const lastCycleId = Date.parse('2026-11-25T18:10:00.000Z');
    stateStore.saved = {
      version: 1,
      clusterKey: 'tenant-a/main',
      policy: 'progressive',
      savedAtMs: startMs - 2000,
      lastCycleId,
      targets: { 'sales:chat': { cycles: 40 } },
    };
    fence.isHolding = false;
    worker.start();
    await clock.advanceBy(2000);

    fence.isHolding = true;
    await clock.advanceBy(1000);
    await worker.stop();

    expect(decider.inputs[0]?.learnedState).toEqual({ 'sales:chat': { cycles: 40 } });
    expect(engagement.requests[0]?.cycleId).toBe(lastCycleId + 1);
  });

  it('keeps its own learned state on a lease taken back from nobody, and reads the saved one after another holder', async () => {
    const { clock, decider, fence, stateStore, worker } = setUp({ stateSaveIntervalMs: 60_000 });
    worker.start();
    await clock.advanceBy(3000);
    // A save older than what the worker learned since.
    stateStore.saved = { ...stateStore.saved!, targets: { 'sales:chat': { cycles: 1 } } };

    fence.isHolding = false;
    await clock.advanceBy(1000);
    fence.isHolding = true;
    fence.isResumed = true;
    await clock.advanceBy(1000);
    const resumedWith = decider.inputs.at(-1)?.learnedState;

    fence.isHolding = false;
    await clock.advanceBy(1000);
    fence.isHolding = true;
    fence.isResumed = false;
    await clock.advanceBy(1000);
    await worker.stop();

    expect(resumedWith).toEqual({ 'sales:chat': { cycles: 3 } });
    expect(decider.inputs.at(-1)?.learnedState).toEqual({ 'sales:chat': { cycles: 1 } });
  });

  it('ignores persisted state learned by another policy', async () => {
    const { clock, decider, stateStore, worker } = setUp();
    stateStore.saved = {
      version: 1,
      clusterKey: 'tenant-a/main',
      policy: 'adaptive',
      savedAtMs: startMs,
      lastCycleId: 1,
      targets: { 'sales:chat': { cycles: 40 } },
    };
    worker.start();
    await clock.advanceBy(1000);
    await worker.stop();

    expect(decider.inputs[0]?.learnedState).toEqual({});
  });

  it('saves learned state at most once per save interval while leading, and once more on stop', async () => {
    const { clock, stateStore, worker } = setUp({ stateSaveIntervalMs: 5000 });
    worker.start();

    await clock.advanceBy(12_000);
    const savesWhileRunning = stateStore.saves;
    await worker.stop();

    expect(savesWhileRunning).toBe(3);
    expect(stateStore.saves).toBe(4);
    expect(stateStore.saved?.targets).toEqual({ 'sales:chat': { cycles: 12 } });
    expect(stateStore.saved?.lastCycleId).toBe(Date.parse('2026-11-25T18:00:12.000Z'));
  });

  it('retries a failed save at the next save period, not every cycle', async () => {
    const { clock, stateStore, worker } = setUp({ stateSaveIntervalMs: 5000 });
    let attempts = 0;
    stateStore.save = async () => {
      attempts += 1;
      throw new Error('413 Request entity too large');
    };
    worker.start();

    await clock.advanceBy(12_000);
    const attemptsWhileRunning = attempts;
    await worker.stop();

    expect(attemptsWhileRunning).toBe(3);
    expect(stateStore.saves).toBe(0);
  });

  it('does not save on stop when it no longer holds the lease', async () => {
    const { clock, fence, stateStore, worker } = setUp({ stateSaveIntervalMs: 60_000 });
    worker.start();
    await clock.advanceBy(3000);
    const saves = stateStore.saves;
    fence.isHolding = false;

    await worker.stop();

    expect(stateStore.saves).toBe(saves);
  });

  it('applies a new refresh period from the next slot', async () => {
    const { clock, sink, worker } = setUp();
    worker.start();
    await clock.advanceBy(1000);

    worker.reconfigure(aClusterConfig({ refreshPeriodMs: 3000 }));
    await clock.advanceBy(6000);
    await worker.stop();

    expect(sink.outcomes.map((o) => o.slotStartMs % 60_000)).toEqual([1000, 3000, 6000]);
  });

  it('paces the new set of targets from the next cycle', async () => {
    const { clock, engagement, worker } = setUp();
    worker.start();
    await clock.advanceBy(1000);

    worker.setTargets([aTarget('sales'), aTarget('support')]);
    await clock.advanceBy(1000);
    worker.setTargets([]);
    await clock.advanceBy(1000);
    await worker.stop();

    expect(engagement.requests.map((r) => r.targets.map((t) => t.id))).toEqual([
      ['sales:chat'],
      ['sales:chat', 'support:chat'],
    ]);
  });

  it('aborts a cycle that exceeds the cycle timeout, publishes nothing and reports the statistics unavailable', async () => {
    const { clock, stats, sink, engagement, worker } = setUp({ cycleTimeoutMs: 400 });
    stats.delayMs = 10_000;
    worker.start();

    await clock.advanceBy(1500);
    await worker.stop();

    expect(sink.outcomes[0]?.durationMs).toBe(400);
    expect(sink.outcomes[0]?.isPublished).toBe(false);
    expect(engagement.requests).toHaveLength(0);
    expect(sink.outcomes[0]?.targets[0]?.reason).toBe('StatsUnavailable');
  });

  it('holds its gate from the start of each cycle until just before the outcome sinks run', async () => {
    const events: string[] = [];
    const recorded = new RecordingSink();
    const { stats, clock, worker } = setUp({}, silentLogger, (clock) => ({
      sink: {
        cycleCompleted: (outcome) => {
          events.push('sink');
          recorded.cycleCompleted(outcome);
        },
        cyclesSkipped: () => undefined,
      },
      cycleGate: {
        enter: () => {
          events.push(`enter at ${clock.nowMs() % 10_000}`);
          return () => events.push(`leave at ${clock.nowMs() % 10_000}`);
        },
      },
    }));
    stats.delayMs = 300;
    worker.start();

    await clock.advanceBy(2000);
    await worker.stop();

    expect(events).toEqual([
      'enter at 1000',
      'leave at 1300',
      'sink',
      'enter at 2000',
      'leave at 2300',
      'sink',
    ]);
  });

  it('leaves its gate when a cycle is cut short by its timeout', async () => {
    let held = 0;
    let entered = 0;
    const { clock, stats, worker } = setUp({ cycleTimeoutMs: 400 }, silentLogger, () => ({
      cycleGate: {
        enter: () => {
          entered += 1;
          held += 1;
          return () => (held -= 1);
        },
      },
    }));
    stats.delayMs = 10_000;
    worker.start();

    // The slot at :01.000 starts a cycle whose statistics never come; it times out at :01.400.
    await clock.advanceBy(1200);
    expect([entered, held]).toEqual([1, 0]);
    await worker.stop();
    expect(held).toBe(0);
  });

  it('tells the sinks when it stops', async () => {
    const { worker, sink } = setUp();
    worker.start();
    await worker.stop();
    expect(sink.stopped).toEqual(['tenant-a/main']);
  });

  it('refuses a configuration it cannot run with, naming the field', () => {
    const { worker } = setUp();
    expect(() => worker.reconfigure(aClusterConfig({ refreshPeriodMs: 0 }))).toThrow(/refreshPeriodMs/);
  });

  it('logs a change of an input health once, not once per cycle', async () => {
    const lines: { msg: string; input?: string; reason?: string }[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString('utf8')) as { msg: string });
          done();
        },
      }),
    );
    const { clock, stats, worker } = setUp({}, logger);
    worker.start();
    await clock.advanceBy(2000);

    stats.failure = new Error('connect ECONNREFUSED');
    await clock.advanceBy(3000);
    stats.failure = undefined;
    await clock.advanceBy(2000);
    await worker.stop();

    expect(lines.filter((l) => l.input === 'stats').map((l) => `${l.msg}/${l.reason}`)).toEqual([
      'pacing input unhealthy/Unreachable',
      'pacing input healthy again/Fetched',
    ]);
  });
});

describe('PacingWorker with sharded leases', () => {
  function setUpSharded() {
    const clock = new FakeClock(startMs);
    const engagement = new FakeEngagement();
    const decider = new FakeDecider();
    const fence = new ShardSwitchFence({ 'tenant-a/sales': 0, 'tenant-a/support': 1 }, 2);
    const stateStore = new ShardedMemoryStateStore();
    const stats = new FakeStats(clock);
    const sink = new RecordingSink();
    const worker = new PacingWorker(
      aClusterConfig({ stateSaveIntervalMs: 60_000 }),
      [aTarget('sales'), aTarget('support')],
      { stats, engagement, decider, fence, clock, publisher: 'op-1', stateStore, sink, logger: silentLogger },
    );
    return { clock, engagement, decider, fence, stateStore, stats, sink, worker };
  }

  const at = (time: string) => Date.parse(`2026-11-25T18:00:0${time}Z`);
  const requestsOf = (engagement: FakeEngagement) =>
    engagement.requests.map((r) => ({ id: r.cycleId, targets: r.targets.map((t) => t.id) }));

  it('paces each shard in cycles of its own at its own point of the period, whoever holds it', async () => {
    const { clock, engagement, decider, fence, worker } = setUpSharded();
    fence.held = new Set([0, 1]);
    worker.start(); // at 0.5 s: shard 0's slots are at whole seconds, shard 1's half a period later
    await clock.advanceBy(1900);
    await worker.stop();

    expect(requestsOf(engagement)).toEqual([
      { id: at('0.500'), targets: ['support:chat'] },
      { id: at('1.000'), targets: ['sales:chat'] },
      { id: at('1.500'), targets: ['support:chat'] },
      { id: at('2.000'), targets: ['sales:chat'] },
    ]);
    // Each cycle decides its shard's targets with that shard's state only.
    expect(decider.inputs.map((i) => i.learnedState)).toEqual([
      {},
      {},
      { 'support:chat': { cycles: 1 } },
      { 'sales:chat': { cycles: 1 } },
    ]);
  });

  it('paces a shard taken over mid-slot at once when the lease proves its slot unpublished, else at its next', async () => {
    for (const [exclusiveSince, expected] of [
      // The previous holder's fence closed before shard 1's slot at 1.5 s began: it is paced at once.
      [
        at('1.400'),
        [
          { id: at('1.000'), targets: ['sales:chat'] },
          { id: at('1.500'), targets: ['support:chat'] },
          { id: at('2.000'), targets: ['sales:chat'] },
          { id: at('2.500'), targets: ['support:chat'] },
        ],
      ],
      // It closed during the slot: the previous holder may have published support for it; wait for the next.
      [
        at('1.600'),
        [
          { id: at('1.000'), targets: ['sales:chat'] },
          { id: at('2.000'), targets: ['sales:chat'] },
          { id: at('2.500'), targets: ['support:chat'] },
        ],
      ],
    ] as const) {
      const { clock, engagement, fence, worker } = setUpSharded();
      fence.held = new Set([0]);
      fence.heldSince.set(0, startMs - 60_000);
      worker.start();
      await clock.advanceBy(1300); // now 1.8 s, shard 1's slot under way began at 1.5 s
      fence.held = new Set([0, 1]);
      fence.heldSince.set(1, exclusiveSince);
      worker.leadershipGained();
      await clock.advanceBy(1000);
      await worker.stop();
      expect(requestsOf(engagement)).toEqual(expected);
    }
  });

  it('paces a shard taken over mid-slot at once even after a later slot ran, under the next id above it', async () => {
    const { clock, engagement, fence, worker } = setUpSharded();
    fence.held = new Set([0]);
    fence.heldSince.set(0, startMs - 60_000);
    worker.start();
    await clock.advanceBy(1800); // now 2.3 s: shard 1's slot under way began at 1.5 s, before shard 0's at 2 s
    fence.held = new Set([0, 1]);
    fence.heldSince.set(1, at('1.400'));
    worker.leadershipGained();
    await clock.advanceBy(300);
    await worker.stop();

    // Cycle ids keep rising for the platform: the catch-up of the 1.5 s slot goes out as 2.001 s.
    expect(requestsOf(engagement)).toEqual([
      { id: at('1.000'), targets: ['sales:chat'] },
      { id: at('2.000'), targets: ['sales:chat'] },
      { id: at('2.000') + 1, targets: ['support:chat'] },
      { id: at('2.500'), targets: ['support:chat'] },
    ]);
  });

  it('runs a slot another shard’s cycle delayed as soon as that cycle ends, earliest first, and counts misses', async () => {
    const { clock, engagement, fence, stats, sink, worker } = setUpSharded();
    fence.held = new Set([0, 1]);
    stats.delayMs = 700;
    worker.start();
    await clock.advanceBy(4300);
    await worker.stop();

    // Cycles of 0.7 s for two shards 0.5 s apart: support 0.5–1.2, sales 1.2–1.9, support 1.9–2.6,
    // sales 2.6–3.3, support's 2.5 slot 3.3–4.0 (before sales' later 3.0 slot), support's 3.5 slot 4.0–4.7,
    // then sales' 4.0 slot at 4.7: its 3.0 slot passed entirely and is counted as skipped.
    expect(requestsOf(engagement).map((r) => [r.id, r.targets[0]])).toEqual([
      [at('0.500'), 'support:chat'],
      [at('1.000'), 'sales:chat'],
      [at('1.500'), 'support:chat'],
      [at('2.000'), 'sales:chat'],
      [at('2.500'), 'support:chat'],
      [at('3.500'), 'support:chat'],
    ]);
    expect(stats.maxRunning).toBe(1);
    expect(sink.skipped).toEqual([{ count: 1, reason: 'Overrun' }]);
  });

  it('continues a gained shard from its previous owner’s saved state and saves one state per held shard', async () => {
    const { clock, engagement, decider, fence, stateStore, worker } = setUpSharded();
    const previousOwnerCycleId = Date.parse('2026-11-25T18:10:00.000Z');
    stateStore.saved.set(1, {
      version: 1,
      clusterKey: 'tenant-a/main',
      policy: 'progressive',
      savedAtMs: startMs,
      lastCycleId: previousOwnerCycleId,
      targets: { 'support:chat': { cycles: 40 } },
      shard: 1,
    });
    fence.held = new Set([0]);
    worker.start();
    await clock.advanceBy(2000);

    // Seen at 3 s (no exclusive-since time from this fence): its slot at 2.5 s is not provably unpublished.
    fence.held = new Set([0, 1]);
    await clock.advanceBy(1100);
    await worker.stop();

    expect(engagement.requests.map((r) => r.targets.map((t) => t.id))).toEqual([
      ['sales:chat'],
      ['sales:chat'],
      ['sales:chat'],
      ['support:chat'],
    ]);
    expect(decider.inputs[3]?.learnedState).toEqual({ 'support:chat': { cycles: 40 } });
    // Loaded before the 3 s cycle: ids stay above the previous owner's from then on.
    expect(engagement.requests.slice(2).map((r) => r.cycleId)).toEqual([
      previousOwnerCycleId + 1,
      previousOwnerCycleId + 2,
    ]);
    expect(stateStore.saved.get(0)?.targets).toEqual({ 'sales:chat': { cycles: 3 } });
    expect(stateStore.saved.get(1)?.targets).toEqual({ 'support:chat': { cycles: 41 } });
    expect(stateStore.saved.has(undefined)).toBe(false);
  });

  it('keeps a shard’s learned state when it takes the shard back from nobody, instead of reading an older save', async () => {
    const { clock, decider, fence, stateStore, worker } = setUpSharded();
    const supportInputs = () =>
      decider.inputs.filter((i) => i.targets.some((t) => t.id === 'support:chat')).map((i) => i.learnedState);
    fence.held = new Set([0, 1]);
    worker.start();
    await clock.advanceBy(3000);
    const cyclesBeforeLapse = supportInputs().length;
    const olderSave = { ...stateStore.saved.get(1)!, targets: { 'support:chat': { cycles: 1 } } };
    stateStore.saved.set(1, olderSave);

    // Shard 1 lost for a slot, then held again, resumed or after another holder.
    const loseAndRegain = async (isResumed: boolean) => {
      fence.held = new Set([0]);
      await clock.advanceBy(1000);
      fence.held = new Set([0, 1]);
      if (isResumed) fence.resumed.add(1);
      else fence.resumed.delete(1);
      fence.heldSince.set(1, clock.nowMs());
      await clock.advanceBy(1000);
    };

    // A missed renewal seen by the worker, made good a slot later: the same hold, resumed.
    await loseAndRegain(true);
    const resumedWith = supportInputs()[cyclesBeforeLapse];
    // Lost to another holder and gained back: the save is read, as after any handover.
    const cyclesBeforeHandover = supportInputs().length;
    await loseAndRegain(false);
    await worker.stop();

    // Each cycle adds one: the first cycle after the take-back goes on from the last before the lapse.
    expect(resumedWith).toEqual({ 'support:chat': { cycles: cyclesBeforeLapse } });
    expect(cyclesBeforeLapse).toBeGreaterThan(1);
    expect(supportInputs()[cyclesBeforeHandover]).toEqual({ 'support:chat': { cycles: 1 } });
  });

  it('saves one shard on request (before handing it back) with only that shard’s targets', async () => {
    const { clock, fence, stateStore, worker } = setUpSharded();
    fence.held = new Set([0, 1]);
    worker.start();
    await clock.advanceBy(2900);
    stateStore.saved.clear();

    await worker.saveShard(1, new AbortController().signal);
    await worker.saveShard(2, new AbortController().signal);
    await worker.stop();

    expect(stateStore.saved.get(1)?.targets).toEqual({ 'support:chat': { cycles: 3 } });
  });

  it('never saves a shard it no longer holds, so its new owner’s state is not overwritten', async () => {
    const { clock, fence, stateStore, worker } = setUpSharded();
    fence.held = new Set([0, 1]);
    worker.start();
    await clock.advanceBy(2000);
    const shardOneBefore = stateStore.saved.get(1);

    fence.held = new Set([0]);
    await clock.advanceBy(1000);
    await worker.stop();

    expect(shardOneBefore?.targets).toEqual({ 'support:chat': { cycles: 1 } });
    expect(stateStore.saved.get(1)).toEqual(shardOneBefore);
    expect(stateStore.saved.get(0)?.targets).toEqual({ 'sales:chat': { cycles: 3 } });
  });
});
