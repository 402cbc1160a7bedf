import pino from 'pino';
import { Registry } from 'prom-client';
import { ReconcileLoop } from '../../../src/controller/reconcile-loop.js';
import type { ReconcileResult } from '../../../src/controller/reconcile-result.js';
import { TerminalError } from '../../../src/controller/errors.js';
import { WorkQueue } from '../../../src/controller/work-queue.js';
import { FakeClock, flushAsync } from './fake-clock.js';

type Outcome = () => Promise<ReconcileResult>;

function aLoop(outcomes: Outcome[]) {
  const clock = new FakeClock();
  const registry = new Registry();
  const queue = new WorkQueue({ name: 'targets', clock, registry });
  const calls: string[] = [];
  const loop = new ReconcileLoop({
    name: 'pacingtarget',
    queue,
    clock,
    registry,
    logger: pino({ level: 'silent' }),
    reconcile: async (key) => {
      calls.push(key);
      const next = outcomes.shift();
      return next ? next() : {};
    },
  });
  return { clock, registry, queue, loop, calls };
}

async function reconcileCount(registry: Registry, result: string): Promise<number> {
  const metric = await registry.getSingleMetric('controller_runtime_reconcile_total')!.get();
  return metric.values.find((v) => v.labels.result === result)?.value ?? 0;
}

describe('ReconcileLoop', () => {
  it('retries a thrown error with backoff and forgets the key after success', async () => {
    const { clock, registry, queue, loop, calls } = aLoop([
      async () => {
        throw new Error('apiserver said 500');
      },
      async () => ({}),
    ]);
    loop.start();
    queue.add('ns/t');
    await flushAsync();
    expect(calls).toEqual(['ns/t']);
    await clock.advance(5);
    expect(calls).toEqual(['ns/t', 'ns/t']);
    expect(queue.numRequeues('ns/t')).toBe(0);
    expect(await reconcileCount(registry, 'error')).toBe(1);
    expect(await reconcileCount(registry, 'success')).toBe(1);
    await loop.stop();
  });

  it('does not retry a TerminalError but counts it', async () => {
    const { clock, registry, queue, loop, calls } = aLoop([
      async () => {
        throw new TerminalError('spec names a missing cluster');
      },
    ]);
    loop.start();
    queue.add('ns/t');
    await clock.advance(60_000);
    expect(calls).toEqual(['ns/t']);
    const terminal = await registry
      .getSingleMetric('controller_runtime_terminal_reconcile_errors_total')!
      .get();
    expect(terminal.values[0]?.value).toBe(1);
    await loop.stop();
  });

  it('comes back after requeueAfterMs', async () => {
    const { clock, registry, queue, loop, calls } = aLoop([async () => ({ requeueAfterMs: 30_000 })]);
    loop.start();
    queue.add('ns/t');
    await clock.advance(29_999);
    expect(calls).toHaveLength(1);
    await clock.advance(1);
    expect(calls).toHaveLength(2);
    expect(await reconcileCount(registry, 'requeue_after')).toBe(1);
    await loop.stop();
  });

  it('stop waits for the running reconcile and then ends the workers', async () => {
    let release!: () => void;
    const { queue, loop } = aLoop([
      () => new Promise<ReconcileResult>((resolve) => (release = () => resolve({}))),
    ]);
    loop.start();
    queue.add('ns/t');
    await flushAsync();
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await flushAsync();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(stopped).toBe(true);
  });
});
