import pino from 'pino';
import { Gauge, Registry } from 'prom-client';
import { EventLoopHealth } from '../../../src/metrics/event-loop-health.js';
import { startMetricsServer, type MetricsServer } from '../../../src/metrics/http-server.js';
import { ManualClock } from './manual-clock.js';

describe('startMetricsServer', () => {
  let server: MetricsServer;
  let clock: ManualClock;
  let ready: boolean | string[];

  beforeEach(async () => {
    const registry = new Registry();
    new Gauge({ name: 'pacing_test_gauge', help: 'test', registers: [registry] }).set(42);
    clock = new ManualClock();
    ready = ['pacingtargets informer not synced'];
    server = await startMetricsServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      health: new EventLoopHealth({ clock, intervalMs: 1_000, maxLagMs: 5_000 }),
      isReady: () => ready,
      logger: pino({ level: 'silent' }),
    });
  });

  afterEach(async () => {
    await server.close();
  });

  it('serves the registry in Prometheus text format on /metrics', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toContain('pacing_test_gauge 42');
  });

  it('answers /readyz with 503 and the reasons until the predicate says ready', async () => {
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.text()).toContain('pacingtargets informer not synced');
    ready = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('answers /healthz with 200 while the event loop is responsive and 503 after it was blocked', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    clock.freeze(10_000);
    clock.runDue();
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('lag 9000 ms');
  });

  it('renders /metrics only once beforeMetrics resolved', async () => {
    const order: string[] = [];
    const registry = new Registry();
    new Gauge({
      name: 'pacing_test_collected',
      help: 'test',
      registers: [registry],
      collect() {
        order.push('rendered');
        this.set(1);
      },
    });
    let release = (): void => undefined;
    const held = await startMetricsServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      health: new EventLoopHealth({ clock, intervalMs: 1_000, maxLagMs: 5_000 }),
      isReady: () => true,
      beforeMetrics: () => {
        order.push('waiting');
        return new Promise<void>((resolve) => {
          release = () => {
            order.push('released');
            resolve();
          };
        });
      },
      logger: pino({ level: 'silent' }),
    });
    try {
      const answer = fetch(`${held.url}/metrics`);
      while (order.length === 0) await new Promise((resolve) => setImmediate(resolve));
      // Only /metrics waits: /readyz answers meanwhile.
      expect((await fetch(`${held.url}/readyz`)).status).toBe(200);
      release();
      const res = await answer;
      expect(await res.text()).toContain('pacing_test_collected 1');
      expect(order).toEqual(['waiting', 'released', 'rendered']);
    } finally {
      await held.close();
    }
  });

  it('answers unknown paths with 404', async () => {
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});
