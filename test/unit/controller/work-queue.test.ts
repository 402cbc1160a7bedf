import fc from 'fast-check';
import { Registry } from 'prom-client';
import { WorkQueue } from '../../../src/controller/work-queue.js';
import { createDefaultRetryRateLimiter } from '../../../src/controller/retry-rate-limiter.js';
import { FakeClock } from './fake-clock.js';

function aQueue(clock = new FakeClock(), registry = new Registry()) {
  return { queue: new WorkQueue({ name: 'test', clock, registry }), clock, registry };
}

async function metricValue(registry: Registry, name: string): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => v.labels.name === 'test')?.value ?? NaN;
}

describe('WorkQueue', () => {
  it('hands out a key added twice only once', async () => {
    const { queue } = aQueue();
    queue.add('ns/a');
    queue.add('ns/a');
    queue.add('ns/b');
    expect(await queue.get()).toBe('ns/a');
    expect(await queue.get()).toBe('ns/b');
    expect(queue.len()).toBe(0);
  });

  it('runs a key added while it is processed again after done, never twice at once', async () => {
    const { queue } = aQueue();
    queue.add('ns/a');
    const first = await queue.get();
    queue.add('ns/a');
    expect(queue.len()).toBe(0);
    let second: string | undefined;
    void queue.get().then((k) => (second = k));
    await Promise.resolve();
    expect(second).toBeUndefined();
    queue.done(first!);
    await Promise.resolve();
    expect(second).toBe('ns/a');
  });

  it('delivers an addAfter key only when its delay passed, keeping the earlier of two times', async () => {
    const { queue, clock } = aQueue();
    queue.addAfter('ns/a', 5000);
    queue.addAfter('ns/a', 1000);
    await clock.advance(999);
    expect(queue.len()).toBe(0);
    await clock.advance(1);
    expect(queue.len()).toBe(1);
    await clock.advance(10_000);
    expect(queue.len()).toBe(1);
  });

  it('backs off a failing key exponentially from 5 ms and forgets the history on success', () => {
    const clock = new FakeClock();
    const limiter = createDefaultRetryRateLimiter({ clock });
    expect([1, 2, 3, 4].map(() => limiter.whenMs('k'))).toEqual([5, 10, 20, 40]);
    expect(limiter.numRequeues('k')).toBe(4);
    limiter.forget('k');
    expect(limiter.whenMs('k')).toBe(5);
  });

  it('caps the per-key backoff at 1000 s', () => {
    const limiter = createDefaultRetryRateLimiter({ clock: new FakeClock(), overallBurst: 1000 });
    let last = 0;
    for (let i = 0; i < 40; i += 1) last = limiter.whenMs('k');
    expect(last).toBe(1_000_000);
  });

  it('slows a storm of failures of many keys to the overall 10 per second after a burst of 100', () => {
    const limiter = createDefaultRetryRateLimiter({ clock: new FakeClock() });
    const delays = Array.from({ length: 120 }, (_, i) => limiter.whenMs(`k${i}`));
    expect(delays.slice(0, 100).every((d) => d === 5)).toBe(true);
    expect(delays[119]).toBe(2000);
  });

  it('retries a rate-limited key after its backoff and counts the retry', async () => {
    const { queue, clock, registry } = aQueue();
    queue.addRateLimited('ns/a');
    queue.addRateLimited('ns/a');
    expect(queue.len()).toBe(0);
    await clock.advance(5);
    expect(queue.len()).toBe(1);
    expect(await metricValue(registry, 'workqueue_retries_total')).toBe(2);
  });

  it('reports depth, adds and the time a key waited', async () => {
    const { queue, clock, registry } = aQueue();
    queue.add('a');
    queue.add('b');
    expect(await metricValue(registry, 'workqueue_depth')).toBe(2);
    expect(await metricValue(registry, 'workqueue_adds_total')).toBe(2);
    await clock.advance(2000);
    const key = await queue.get();
    await clock.advance(500);
    queue.done(key!);
    const waited = await registry.getSingleMetric('workqueue_queue_duration_seconds')!.get();
    expect(
      waited.values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_sum'))?.value,
    ).toBe(2);
    const worked = await registry.getSingleMetric('workqueue_work_duration_seconds')!.get();
    expect(
      worked.values.find((v) => (v as { metricName?: string }).metricName?.endsWith('_sum'))?.value,
    ).toBe(0.5);
  });

  it('after shutdown hands out what is left, then undefined, and ignores new adds', async () => {
    const { queue } = aQueue();
    queue.add('a');
    const idle = aQueue().queue;
    const idleGet = idle.get();
    idle.shutDown();
    await expect(idleGet).resolves.toBeUndefined();
    queue.shutDown();
    queue.add('b');
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBeUndefined();
  });

  it('never hands one key to two workers at once (property)', async () => {
    const command = fc.oneof(
      fc.record({ op: fc.constant('add' as const), key: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ op: fc.constant('finish' as const), index: fc.nat(5) }),
      fc.record({ op: fc.constant('get' as const) }),
      fc.record({ op: fc.constant('addAfter' as const), key: fc.constantFrom('a', 'b'), ms: fc.nat(50) }),
      fc.record({ op: fc.constant('tick' as const), ms: fc.nat(60) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 60 }), async (commands) => {
        const { queue, clock } = aQueue();
        const inFlight: string[] = [];
        const violations: string[] = [];
        const onKey = (key: string | undefined): void => {
          if (key === undefined) return;
          if (inFlight.includes(key)) violations.push(key);
          inFlight.push(key);
        };
        for (const c of commands) {
          if (c.op === 'add') queue.add(c.key);
          else if (c.op === 'addAfter') queue.addAfter(c.key, c.ms);
          else if (c.op === 'tick') await clock.advance(c.ms);
          else if (c.op === 'get') void queue.get().then(onKey);
          else if (inFlight.length > 0) {
            const [key] = inFlight.splice(c.index % inFlight.length, 1);
            queue.done(key!);
          }
          await Promise.resolve();
          await Promise.resolve();
        }
        queue.shutDown();
        while (inFlight.length > 0) {
          queue.done(inFlight.pop()!);
          void queue.get().then(onKey);
          await Promise.resolve();
          await Promise.resolve();
        }
        expect(violations).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
