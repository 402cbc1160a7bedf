import fc from 'fast-check';
import pino from 'pino';
import { Registry } from 'prom-client';
import type { StatusObjectRef, StatusPatcher } from '../../../src/controller/status-patcher.js';
import { StatusWriter, type StatusWriterOptions } from '../../../src/controller/status-writer.js';
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

async function metric(registry: Registry, name: string): Promise<number> {
  const m = await registry.getSingleMetric(name)!.get();
  return m.values.reduce((sum, v) => sum + v.value, 0);
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

  it('sets fields that disappeared from the status to null so the merge patch removes them', async () => {
    const { clock, patcher, writer } = aWriter();
    writer.update(aRef('t'), { invites: 1 }, { observed: { invites: 2, lastError: 'timeout' } });
    await clock.advance(0);
    expect(patcher.patches[0]?.patch).toEqual({ invites: 1, lastError: null });
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

  it('flushes pending writes on close without waiting for the period or the budget', async () => {
    const { clock, patcher, writer } = aWriter({ statusUpdatePeriodMs: 60_000 });
    writer.update(aRef('t'), { invites: 1 });
    await clock.advance(0);
    writer.update(aRef('t'), { invites: 2 });
    await writer.close();
    expect(patcher.patches.map((p) => p.patch)).toEqual([{ invites: 1 }, { invites: 2 }]);
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
