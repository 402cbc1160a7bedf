import fc from 'fast-check';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { StatusObjectRef, StatusPatcher } from '../../../src/controller/status-patcher.js';
import {
  DEFAULT_MAX_REFRESH_WRITES_PER_SECOND,
  MAX_REFRESH_PAUSE_MS,
  StatusWriter,
  type StatusWriterOptions,
} from '../../../src/controller/status-writer.js';
import { FakeClock } from './fake-clock.js';
import { FakeApiError } from './fake-lease-client.js';

function aRef(name: string): StatusObjectRef {
  return {
    kind: 'PacingTarget',
    group: 'pacing.agentpacing.dev',
    version: 'v1alpha1',
    plural: 'pacingtargets',
    namespace: 'ns',
    name,
  };
}

class RecordingPatcher implements StatusPatcher {
  patches: { name: string; patch: Record<string, unknown> }[] = [];
  failWith: number | undefined;
  async patchStatus(ref: StatusObjectRef, patch: Record<string, unknown>): Promise<void> {
    if (this.failWith !== undefined) throw new FakeApiError(this.failWith);
    this.patches.push({ name: ref.name, patch });
  }
}

function aWriter(extra: Partial<StatusWriterOptions> = {}) {
  const clock = new FakeClock();
  const registry = new Registry();
  const patcher = new RecordingPatcher();
  const writer = new StatusWriter({ patcher, clock, registry, logger: pino({ level: 'silent' }), ...extra });
  return { clock, registry, patcher, writer };
}

async function metric(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const m = await registry.getSingleMetric(name)!.get();
  return m.values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}

/** PacingTarget status writes counted under one class label. */
function writesOfClass(registry: Registry, writeClass: string): Promise<number> {
  return metric(registry, 'pacing_status_writes_total', { kind: 'PacingTarget', class: writeClass });
}

describe('StatusWriter', () => {
  it('writes a changed status as a merge patch and skips one equal to what the API holds', async () => {
    const { clock, patcher, writer, registry } = aWriter();
    writer.update(aRef('same'), { invites: 3, waiting: 1 }, { observed: { waiting: 1, invites: 3 } });
    writer.update(aRef('changed'), { invites: 4 }, { observed: { invites: 3 } });
    await clock.advance(0);
    expect(patcher.patches).toEqual([{ name: 'changed', patch: { invites: 4 } }]);
    expect(await metric(registry, 'pacing_status_writes_total')).toBe(1);
    await writer.close();
  });

  it('counts each write by its class: urgent-first, urgent, first or routine', async () => {
    const { clock, writer, registry } = aWriter({ statusUpdatePeriodMs: 10_000 });
    writer.update(aRef('urgent'), { reason: 'a' }, { isUrgent: true });
    writer.update(aRef('plain'), { invites: 1 });
    await clock.advance(0);
    writer.update(aRef('urgent'), { reason: 'b' }, { isUrgent: true });
    writer.update(aRef('plain'), { invites: 2 });
    await clock.advance(10_000);
    const count = (writeClass: string) => writesOfClass(registry, writeClass);
    expect(await count('urgent-first')).toBe(1);
    expect(await count('urgent')).toBe(1);
    expect(await count('first')).toBe(1);
    expect(await count('routine')).toBe(1);
    await writer.close();
  });

  it('serves a re-offered status it does not know with the figure refreshes, not ahead of them', async () => {
    const { clock, writer, registry } = aWriter({ writesPerSecond: 100, refreshWritesPerSecond: 1 });
    writer.update(aRef('again'), { invites: 1 }, { isReoffer: true });
    writer.update(aRef('new'), { invites: 1 });
    await clock.advance(0);
    const count = (writeClass: string) => writesOfClass(registry, writeClass);
    expect(await count('first')).toBe(1);
    expect(await count('routine')).toBe(1);
    await writer.close();
  });

  it('writes at most once per update period per object, with the latest desired status', async () => {
    const { clock, patcher, writer } = aWriter({ statusUpdatePeriodMs: 10_000 });
    writer.update(aRef('t'), { invites: 1 });
    await clock.advance(0);
    writer.update(aRef('t'), { invites: 2 });
    await clock.advance(3_000);
    writer.update(aRef('t'), { invites: 3 });
    await clock.advance(6_999);
    expect(patcher.patches.map((p) => p.patch)).toEqual([{ invites: 1 }]);
    await clock.advance(1);
    expect(patcher.patches.map((p) => p.patch)).toEqual([{ invites: 1 }, { invites: 3 }]);
    await writer.close();
  });

  it('writes an urgent change (a condition flip) without waiting for the update period', async () => {
    const { clock, patcher, writer } = aWriter({ statusUpdatePeriodMs: 10_000 });
    writer.update(aRef('t'), { ready: 'True' });
    await clock.advance(1_000);
    writer.update(aRef('t'), { ready: 'False' }, { isUrgent: true });
    await clock.advance(0);
    expect(patcher.patches.map((p) => p.patch)).toEqual([{ ready: 'True' }, { ready: 'False' }]);
    await writer.close();
  });

  it('honours a per-object update period given with the update', async () => {
    const { clock, patcher, writer } = aWriter({ statusUpdatePeriodMs: 10_000 });
    writer.update(aRef('slow'), { v: 1 }, { updatePeriodMs: 60_000 });
    await clock.advance(0);
    writer.update(aRef('slow'), { v: 2 });
    await clock.advance(59_999);
    expect(patcher.patches).toHaveLength(1);
    await clock.advance(1);
    expect(patcher.patches.map((p) => p.patch)).toEqual([{ v: 1 }, { v: 2 }]);
    await writer.close();
  });

  it('gives up flushing on close after its timeout when the API hangs', async () => {
    const { clock, patcher, writer } = aWriter();
    patcher.patchStatus = () => new Promise(() => undefined);
    writer.update(aRef('t'), { invites: 1 });
    let isClosed = false;
    const closing = writer.close(2_000).then(() => (isClosed = true));
    await clock.advance(1_999);
    expect(isClosed).toBe(false);
    await clock.advance(1);
    await closing;
    expect(isClosed).toBe(true);
  });

  it('drops a pending write when the status goes back to what was written', async () => {
    const { clock, patcher, writer } = aWriter();
    writer.update(aRef('t'), { invites: 1 });
    await clock.advance(0);
    writer.update(aRef('t'), { invites: 2 });
    writer.update(aRef('t'), { invites: 1 });
    await clock.advance(60_000);
    expect(patcher.patches).toHaveLength(1);
    expect(writer.pendingCount()).toBe(0);
    await writer.close();
  });

  it('spends no budget on a waiting status that went back to what was written', async () => {
    const { clock, patcher, writer } = aWriter({
      writesPerSecond: 1,
      writeBurst: 1,
      statusUpdatePeriodMs: 0,
    });
    writer.update(aRef('a'), { v: 1 });
    await clock.advance(0);
    // The budget is spent: 'a' goes back while it waits, ahead of 'b' in serving order.
    writer.update(aRef('a'), { v: 2 }, { isUrgent: true });
    writer.update(aRef('a'), { v: 1 });
    writer.update(aRef('b'), { v: 1 });
    expect(writer.pendingCount()).toBe(2);
    await clock.advance(1_000);
    expect(patcher.patches).toEqual([
      { name: 'a', patch: { v: 1 } },
      { name: 'b', patch: { v: 1 } },
    ]);
    expect(writer.pendingCount()).toBe(0);
    await writer.close();
  });

  it('starts no write while held, then sends what waited at once, the budget having accrued meanwhile', async () => {
    const { clock, patcher, writer } = aWriter({
      writesPerSecond: 2,
      writeBurst: 2,
      statusUpdatePeriodMs: 0,
    });
    const release = writer.hold();
    writer.update(aRef('a'), { v: 1 }, { isUrgent: true });
    writer.update(aRef('b'), { v: 1 });
    await clock.advance(500);
    expect(patcher.patches).toEqual([]);

    release();
    release(); // a second call of one release counts once
    await clock.advance(0);
    expect(patcher.patches.map((p) => p.name)).toEqual(['a', 'b']);
    await writer.close();
  });

  it('keeps writes back while any hold lasts, and no longer than maxHoldMs', async () => {
    const { clock, patcher, writer } = aWriter({ statusUpdatePeriodMs: 0, maxHoldMs: 1_000 });
    const first = writer.hold();
    const second = writer.hold();
    writer.update(aRef('a'), { v: 1 });
    first();
    await clock.advance(999);
    expect(patcher.patches).toEqual([]);
    await clock.advance(1);
    expect(patcher.patches.map((p) => p.name)).toEqual(['a']);
    second();
    await writer.close();
  });

  it('sets fields that disappeared from the status to null so the merge patch removes them', async () => {
    const { clock, patcher, writer } = aWriter();
    writer.update(aRef('t'), { invites: 1 }, { observed: { invites: 2, lastError: 'timeout' } });
    await clock.advance(0);
    expect(patcher.patches[0]?.patch).toEqual({ invites: 1, lastError: null });
    await writer.close();
  });

  it('removes the fields its own last write had and a later status lacks', async () => {
    const { clock, patcher, writer } = aWriter({ statusUpdatePeriodMs: 0 });
    writer.update(aRef('t'), { invites: 1, lastError: 'timeout', figures: 3 });
    await clock.advance(0);
    writer.update(aRef('t'), { invites: 2 });
    await clock.advance(0);
    writer.update(aRef('t'), { invites: 2, figures: 4 });
    await clock.advance(0);

    expect(patcher.patches.map((p) => p.patch)).toEqual([
      { invites: 1, lastError: 'timeout', figures: 3 },
      { invites: 2, lastError: null, figures: null },
      { invites: 2, figures: 4 },
    ]);
    await writer.close();
  });

  it('keeps to the global budget, serving the object written longest ago first', async () => {
    const { clock, patcher, writer, registry } = aWriter({
      writesPerSecond: 2,
      writeBurst: 2,
      statusUpdatePeriodMs: 0,
    });
    writer.update(aRef('old'), { v: 1 });
    await clock.advance(0);
    await clock.advance(1_000);
    // 'old' was written 1 s ago; 'a', 'b', 'c' never were — they are staler and go first, in arrival order.
    writer.update(aRef('old'), { v: 2 });
    writer.update(aRef('a'), { v: 1 });
    writer.update(aRef('b'), { v: 1 });
    writer.update(aRef('c'), { v: 1 });
    await clock.advance(0);
    expect(patcher.patches.map((p) => p.name)).toEqual(['old', 'a', 'b']);
    expect(await metric(registry, 'pacing_status_write_budget_exhausted_total')).toBeGreaterThan(0);
    expect(await metric(registry, 'pacing_status_pending_writes')).toBe(2);
    await clock.advance(1_000);
    expect(patcher.patches.map((p) => p.name)).toEqual(['old', 'a', 'b', 'c', 'old']);
    await writer.close();
  });

  it('counts a failed write and retries it after the update period', async () => {
    const { clock, patcher, writer, registry } = aWriter({ statusUpdatePeriodMs: 5_000 });
    patcher.failWith = 500;
    writer.update(aRef('t'), { invites: 1 });
    await clock.advance(0);
    expect(await metric(registry, 'pacing_status_write_errors_total')).toBe(1);
    patcher.failWith = undefined;
    await clock.advance(5_000);
    expect(patcher.patches.map((p) => p.patch)).toEqual([{ invites: 1 }]);
    await writer.close();
  });

  it('gives up on an object that no longer exists', async () => {
    const { clock, patcher, writer } = aWriter({ statusUpdatePeriodMs: 5_000 });
    patcher.failWith = 404;
    writer.update(aRef('gone'), { invites: 1 });
    await clock.advance(60_000);
    expect(writer.pendingCount()).toBe(0);
    await writer.close();
  });

  it('drops a queued write once another replica holds its object, and keeps writing the others', async () => {
    const ours = new Set(['kept', 'moved']);
    const { clock, patcher, writer, registry } = aWriter({
      statusUpdatePeriodMs: 10_000,
      mayWrite: (ref) => ours.has(ref.name),
    });
    writer.update(aRef('kept'), { invites: 1 });
    writer.update(aRef('moved'), { invites: 1 });
    await clock.advance(0);
    writer.update(aRef('kept'), { invites: 2 });
    writer.update(aRef('moved'), { invites: 2 });
    ours.delete('moved'); // its shard went to another replica while the write waited for its period

    await clock.advance(10_000);

    expect(patcher.patches.map((p) => `${p.name}:${JSON.stringify(p.patch)}`)).toEqual([
      'kept:{"invites":1}',
      'moved:{"invites":1}',
      'kept:{"invites":2}',
    ]);
    expect(writer.pendingCount()).toBe(0);
    expect(await metric(registry, 'pacing_status_writes_dropped_total')).toBe(1);
    await writer.close();
  });

  it('forgets at once everything queued for objects it lost, when told its Lease or shard moved', async () => {
    const ours = new Set(['a', 'b', 'c']);
    const { clock, patcher, writer, registry } = aWriter({
      statusUpdatePeriodMs: 10_000,
      mayWrite: (ref) => ours.has(ref.name),
    });
    for (const name of ['a', 'b', 'c']) writer.update(aRef(name), { invites: 1 });
    await clock.advance(0);
    for (const name of ['a', 'b', 'c']) writer.update(aRef(name), { invites: 2 });
    ours.delete('a');
    ours.delete('b');

    expect(writer.forgetNotOurs()).toBe(2);
    expect(writer.pendingCount()).toBe(1);
    expect(await metric(registry, 'pacing_status_writes_dropped_total')).toBe(2);
    await clock.advance(10_000);
    expect(patcher.patches.filter((p) => p.patch['invites'] === 2).map((p) => p.name)).toEqual(['c']);
    await writer.close();
  });

  it('tells which dropped writes were urgent, so a Lease taken back can offer them again ahead', async () => {
    const ours = new Set(['urgent', 'routine', 'kept']);
    const urgentDropped: string[] = [];
    const { clock, writer } = aWriter({
      statusUpdatePeriodMs: 10_000,
      mayWrite: (ref) => ours.has(ref.name),
      onUrgentDropped: (ref) => urgentDropped.push(ref.name),
    });
    for (const name of ours) writer.update(aRef(name), { invites: 1 });
    await clock.advance(0);
    // Held back by the budget's hold, so each is still queued when the Lease lapses.
    const release = writer.hold();
    writer.update(aRef('urgent'), { invites: 2 }, { isUrgent: true });
    writer.update(aRef('routine'), { invites: 2 });
    writer.update(aRef('kept'), { invites: 2 }, { isUrgent: true });
    ours.delete('urgent');
    ours.delete('routine');

    expect(writer.forgetNotOurs()).toBe(2);
    expect(urgentDropped).toEqual(['urgent']);
    release();
    await writer.close();
  });

  it('flushes on close only what it may still write (a released Lease hands the rest to the next leader)', async () => {
    let isLeader = true;
    const { clock, patcher, writer } = aWriter({ statusUpdatePeriodMs: 60_000, mayWrite: () => isLeader });
    writer.update(aRef('t'), { invites: 1 });
    await clock.advance(0);
    writer.update(aRef('t'), { invites: 2 });
    isLeader = false;

    await writer.close();

    expect(patcher.patches.map((p) => p.patch)).toEqual([{ invites: 1 }]);
  });

  it('flushes pending writes on close without waiting for the period or the budget', async () => {
    const { clock, patcher, writer } = aWriter({ statusUpdatePeriodMs: 60_000 });
    writer.update(aRef('t'), { invites: 1 });
    await clock.advance(0);
    writer.update(aRef('t'), { invites: 2 });
    await writer.close();
    expect(patcher.patches.map((p) => p.patch)).toEqual([{ invites: 1 }, { invites: 2 }]);
  });
});

/** A patcher whose writes stay in flight until the test settles them. */
class HeldPatcher implements StatusPatcher {
  held: { name: string; settle: () => void }[] = [];
  written: string[] = [];
  patchStatus(ref: StatusObjectRef): Promise<void> {
    return new Promise<void>((resolve) => {
      this.held.push({
        name: ref.name,
        settle: () => {
          this.written.push(ref.name);
          resolve();
        },
      });
    });
  }
}

/** A writer whose writes stay in flight until the test settles them. */
function aHeldWriter(extra: Partial<StatusWriterOptions> = {}) {
  const clock = new FakeClock();
  const patcher = new HeldPatcher();
  const writer = new StatusWriter({
    patcher,
    clock,
    registry: new Registry(),
    logger: pino({ level: 'silent' }),
    ...extra,
  });
  return { clock, patcher, writer };
}

describe('StatusWriter at scale', () => {
  it('keeps several writes in flight at once, never more than its limit, under the same budget', async () => {
    const { clock, patcher, writer } = aHeldWriter({ writesPerSecond: 100, maxWritesInFlight: 4 });
    for (let i = 0; i < 10; i += 1) writer.update(aRef(`t${i}`), { v: 1 });
    await clock.advance(0);
    // One write at a time would leave one request outstanding; four go out together, the fifth waits.
    expect(patcher.held.map((h) => h.name)).toEqual(['t0', 't1', 't2', 't3']);

    patcher.held[0]?.settle();
    await clock.advance(0);
    expect(patcher.held.map((h) => h.name)).toEqual(['t0', 't1', 't2', 't3', 't4']);

    for (const h of patcher.held.slice(1)) h.settle();
    await clock.advance(0);
    for (const h of patcher.held.slice(5)) h.settle();
    await clock.advance(0);
    for (const h of patcher.held.slice(9)) h.settle();
    await clock.advance(0);
    expect(patcher.written.sort()).toEqual([...Array(10).keys()].map((i) => `t${i}`).sort());
    expect(writer.pendingCount()).toBe(0);
    await writer.close();
  });

  it.each([
    [20, 4],
    [200, 10],
  ])(
    'keeps by default at most max(4, budget ÷ 20) writes in flight: %i writes/s → %i',
    async (budget, limit) => {
      const { clock, patcher, writer } = aHeldWriter({ writesPerSecond: budget });
      for (let i = 0; i < 30; i += 1) writer.update(aRef(`t${i}`), { v: 1 });
      await clock.advance(0);
      expect(patcher.held).toHaveLength(limit);
      for (let settled = 0; writer.pendingCount() > 0 || settled < patcher.held.length;) {
        for (const h of patcher.held.slice(settled)) h.settle();
        settled = patcher.held.length;
        await clock.advance(1000);
      }
      expect(patcher.written).toHaveLength(30);
      await writer.close();
    },
  );

  /** Refresh writes in 10 s of objects refreshing all the time while 40 new objects arrive; new ones all written. */
  async function refreshesIn10s(options: Partial<StatusWriterOptions>): Promise<number> {
    const { clock, patcher, writer } = aWriter({ writesPerSecond: 20, statusUpdatePeriodMs: 0, ...options });
    for (let i = 0; i < 100; i += 1) writer.update(aRef(`old${i}`), { v: 1 });
    await clock.advance(10_000);
    expect(patcher.patches).toHaveLength(100); // first writes: the burst of 20, then 20/s
    patcher.patches.length = 0;
    const refreshAll = (v: number) => {
      for (let i = 0; i < 100; i += 1) writer.update(aRef(`old${i}`), { v });
    };
    refreshAll(2);
    for (let i = 0; i < 40; i += 1) writer.update(aRef(`new${i}`), { v: 1 }, { isUrgent: true });
    for (let second = 0; second < 10; second += 1) {
      await clock.advance(1_000);
      refreshAll(3 + second);
    }
    const names = patcher.patches.map((p) => p.name);
    expect(names.filter((n) => n.startsWith('new'))).toHaveLength(40);
    await writer.close();
    return names.filter((n) => n.startsWith('old')).length;
  }

  it('keeps figure refreshes to a quarter of the budget by default, and first writes to the whole of it', async () => {
    // About 5/s for 10 s (the new objects went first, at the full 20/s, while refresh tokens gathered).
    const refreshes = await refreshesIn10s({});
    expect(refreshes).toBeGreaterThanOrEqual(45);
    expect(refreshes).toBeLessThanOrEqual(56);
    // With refreshes allowed the whole budget they take what the new objects leave of it.
    expect(await refreshesIn10s({ refreshWritesPerSecond: 20 })).toBeGreaterThan(150);
  });

  /** A writer whose 20 objects have had their first writes, so that every later change is a figure refresh. */
  async function aRefreshingWriter(extra: Partial<StatusWriterOptions> = {}) {
    const setup = aWriter({
      writesPerSecond: 100,
      refreshWritesPerSecond: 2,
      statusUpdatePeriodMs: 0,
      ...extra,
    });
    for (let i = 0; i < 20; i += 1) setup.writer.update(aRef(`t${i}`), { v: 0 });
    await setup.clock.advance(0);
    expect(setup.patcher.patches).toHaveLength(20);
    setup.patcher.patches.length = 0;
    return setup;
  }

  it('sends figure refreshes right after a cycle ends, as many as their rate gives since the last one', async () => {
    const { clock, patcher, writer } = await aRefreshingWriter({ refreshWindowMs: 500 });
    // A first cycle: its end opens a window with MAX_REFRESH_PAUSE_MS worth of refreshes (20 at 2/s), none used.
    writer.hold()();
    await clock.advance(1_000);
    for (let cycle = 1; cycle <= 3; cycle += 1) {
      for (let i = 0; i < 20; i += 1) writer.update(aRef(`t${i}`), { v: cycle });
      // Between cycles the refreshes wait for the next cycle's end...
      await clock.advance(3_000);
      expect(patcher.patches).toHaveLength(0);
      const release = writer.hold();
      await clock.advance(1_000);
      expect(patcher.patches).toHaveLength(0);
      release();
      // ... then go out at once: 2/s over the 5 s since the previous cycle's end, plus what that window left (all
      // 20 the first time, the window's ceiling; 10 after that).
      const expected = cycle === 1 ? 20 : 10;
      await clock.advance(0);
      expect(patcher.patches).toHaveLength(expected);
      await clock.advance(1_000);
      expect(patcher.patches).toHaveLength(expected);
      patcher.patches.length = 0;
    }
    await writer.close();
  });

  it('keeps what a refresh window left when another cycle ends moments later', async () => {
    // A budget of 4 writes a second lets only some of a window's refreshes out before it closes.
    const { clock, patcher, writer } = aWriter({
      writesPerSecond: 4,
      writeBurst: 4,
      refreshWritesPerSecond: 2,
      refreshWindowMs: 500,
      statusUpdatePeriodMs: 0,
    });
    for (let i = 0; i < 20; i += 1) writer.update(aRef(`t${i}`), { v: 0 });
    await clock.advance(10_000);
    expect(patcher.patches).toHaveLength(20);
    patcher.patches.length = 0;
    writer.hold()();
    for (let i = 0; i < 20; i += 1) writer.update(aRef(`t${i}`), { v: 1 });
    await clock.advance(500);
    // The budget's burst of 4 and 2 more in the 500 ms: 14 of the window's 20 refreshes are left.
    expect(patcher.patches).toHaveLength(6);
    await clock.advance(100);
    // Another cluster's cycle ends 600 ms after the first: its window has those 14 and 1.2 more (2/s × 0.6 s), of
    // which the budget lets 2 out in its 500 ms (without the carry-over, 1).
    writer.hold()();
    await clock.advance(500);
    expect(patcher.patches).toHaveLength(8);
    await writer.close();
  });

  it('writes condition changes between cycles, outside the refresh window', async () => {
    const { clock, patcher, writer } = await aRefreshingWriter({ refreshWindowMs: 500 });
    writer.hold()();
    await clock.advance(1_000);
    writer.update(aRef('t1'), { v: 1 });
    writer.update(aRef('t2'), { v: 1, Ready: 'False' }, { isUrgent: true });
    writer.update(aRef('new'), { v: 1 });
    await clock.advance(0);
    expect(patcher.patches.map((p) => p.name)).toEqual(['t2', 'new']);
    await writer.close();
  });

  it.each([
    ['with no cycle ending for a while', { refreshWindowMs: 500 }],
    ['with no refresh window', { refreshWindowMs: 0 }],
  ])('refreshes figures at their rate %s', async (_name, extra) => {
    const { clock, patcher, writer } = await aRefreshingWriter(extra);
    if (extra.refreshWindowMs > 0) {
      writer.hold()();
      await clock.advance(MAX_REFRESH_PAUSE_MS);
    }
    for (let i = 0; i < 20; i += 1) writer.update(aRef(`t${i}`), { v: 1 });
    await clock.advance(0);
    // The refresh bucket's burst of one second (2), then 2/s.
    expect(patcher.patches).toHaveLength(2);
    await clock.advance(4_000);
    expect(patcher.patches).toHaveLength(10);
    await writer.close();
  });

  it('refuses a negative refresh window', () => {
    expect(() => aWriter({ refreshWindowMs: -1 })).toThrow(/refreshWindowMs/);
  });

  it('keeps figure refreshes under their default ceiling however large the budget', async () => {
    const { clock, patcher, writer } = aWriter({ writesPerSecond: 200, statusUpdatePeriodMs: 0 });
    const refreshAll = (v: number) => {
      for (let i = 0; i < 2_000; i += 1) writer.update(aRef(`t${i}`), { v });
    };
    refreshAll(1);
    await clock.advance(12_000);
    expect(patcher.patches).toHaveLength(2_000); // first writes: the whole budget
    patcher.patches.length = 0;
    for (let second = 0; second < 10; second += 1) {
      refreshAll(2 + second);
      await clock.advance(1_000);
    }
    // 20/s (a quarter of 200 would be 50/s), plus the refresh bucket's one-second burst.
    expect(DEFAULT_MAX_REFRESH_WRITES_PER_SECOND).toBe(20);
    expect(patcher.patches.length).toBeGreaterThanOrEqual(190);
    expect(patcher.patches.length).toBeLessThanOrEqual(221);
    await writer.close();
  });

  it('writes no faster than its budget even with writes in flight', async () => {
    const { clock, patcher, writer } = aWriter({
      writesPerSecond: 5,
      writeBurst: 1,
      maxWritesInFlight: 4,
      statusUpdatePeriodMs: 0,
    });
    for (let i = 0; i < 20; i += 1) writer.update(aRef(`t${i}`), { v: 1 });
    await clock.advance(1_100);
    // One from the burst, then one per 200 ms.
    expect(patcher.patches).toHaveLength(6);
    await clock.advance(2_000);
    expect(patcher.patches).toHaveLength(16);
    await writer.close();
  });

  it('gives every object its first status before any object gets its second figures write', async () => {
    const { clock, patcher, writer } = aWriter({
      writesPerSecond: 2,
      writeBurst: 1,
      refreshWritesPerSecond: 2,
      statusUpdatePeriodMs: 1_000,
    });
    // Five targets were written once; then many new targets arrive while the five refresh their figures.
    for (const name of ['w0', 'w1', 'w2', 'w3', 'w4'])
      writer.update(aRef(name), { v: 1 }, { isUrgent: true });
    await clock.advance(5_000);
    patcher.patches.length = 0;
    for (const name of ['w0', 'w1', 'w2', 'w3', 'w4']) writer.update(aRef(name), { v: 2 });
    for (let i = 0; i < 6; i += 1) writer.update(aRef(`new${i}`), { v: 1 }, { isUrgent: true });
    await clock.advance(10_000);

    const order = patcher.patches.map((p) => p.name);
    expect(order.slice(0, 6)).toEqual(['new0', 'new1', 'new2', 'new3', 'new4', 'new5']);
    expect(order.slice(6).sort()).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
    await writer.close();
  });

  it('serves an urgent change of a written object before first writes that are not urgent (a lease rewrite)', async () => {
    const { clock, patcher, writer } = aWriter({
      writesPerSecond: 1,
      writeBurst: 1,
      statusUpdatePeriodMs: 0,
    });
    writer.update(aRef('known'), { ready: 'True' });
    await clock.advance(1_000);
    patcher.patches.length = 0;
    await clock.advance(1_000);
    writer.update(aRef('rewrite-a'), { v: 1 });
    writer.update(aRef('rewrite-b'), { v: 1 });
    writer.update(aRef('known'), { ready: 'False' }, { isUrgent: true });
    await clock.advance(3_000);
    expect(patcher.patches.map((p) => p.name)).toEqual(['known', 'rewrite-a', 'rewrite-b']);
    await writer.close();
  });

  it('keeps its pending count as writes come and go, with no scan of every object', async () => {
    const { clock, writer, registry } = aWriter({ writesPerSecond: 1, writeBurst: 1 });
    for (let i = 0; i < 1000; i += 1) writer.update(aRef(`t${i}`), { v: 1 });
    expect(writer.pendingCount()).toBe(1000);
    writer.update(aRef('t1'), { v: 1 });
    writer.forget(aRef('t2'));
    expect(writer.pendingCount()).toBe(999);
    await clock.advance(0);
    expect(writer.pendingCount()).toBe(998);
    expect(await metric(registry, 'pacing_status_pending_writes')).toBe(998);
    await writer.close(0);
  });
});

describe('StatusWriter (properties)', () => {
  it('never writes one object twice within its period nor exceeds the global budget', async () => {
    const step = fc.record({
      name: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
      value: fc.nat(3),
      waitMs: fc.constantFrom(0, 0, 50, 200, 1_000),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 80 }), async (steps) => {
        const periodMs = 500;
        const { clock, patcher, writer } = aWriter({
          statusUpdatePeriodMs: periodMs,
          writesPerSecond: 4,
          writeBurst: 2,
        });
        const writes: { name: string; atMs: number }[] = [];
        const original = patcher.patchStatus.bind(patcher);
        patcher.patchStatus = async (ref, patch) => {
          writes.push({ name: ref.name, atMs: clock.nowMs() });
          return original(ref, patch);
        };
        const startMs = clock.nowMs();
        for (const s of steps) {
          writer.update(aRef(s.name), { v: s.value });
          await clock.advance(s.waitMs);
        }
        await clock.advance(10_000);
        for (const name of new Set(writes.map((w) => w.name))) {
          const times = writes.filter((w) => w.name === name).map((w) => w.atMs);
          for (let i = 1; i < times.length; i += 1)
            expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(periodMs);
        }
        for (const w of writes) {
          const upTo = writes.filter((x) => x.atMs <= w.atMs).length;
          expect(upTo).toBeLessThanOrEqual(2 + Math.floor(((w.atMs - startMs) / 1000) * 4));
        }
        // Converged: nothing stays pending once updates stop.
        expect(writer.pendingCount()).toBe(0);
        await writer.close();
      }),
      { numRuns: 100 },
    );
  });
});
