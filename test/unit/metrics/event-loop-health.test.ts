import { EventLoopHealth } from '../../../src/metrics/event-loop-health.js';
import { ManualClock } from './manual-clock.js';

describe('EventLoopHealth', () => {
  it('is healthy while the probe timer fires on time', () => {
    const clock = new ManualClock();
    const health = new EventLoopHealth({ clock, intervalMs: 1_000, maxLagMs: 5_000 });
    for (let i = 0; i < 5; i += 1) {
      clock.freeze(1_000);
      clock.runDue();
    }
    expect(health.report()).toEqual({ isHealthy: true, lastLagMs: 0, sinceLastTickMs: 0 });
  });

  it('is unhealthy after the loop was blocked longer than the allowed lag, and recovers on time ticks', () => {
    const clock = new ManualClock();
    const health = new EventLoopHealth({ clock, intervalMs: 1_000, maxLagMs: 5_000 });
    clock.freeze(7_000);
    expect(health.report().isHealthy).toBe(false);
    clock.runDue();
    expect(health.report()).toMatchObject({ isHealthy: false, lastLagMs: 6_000 });
    clock.freeze(1_000);
    clock.runDue();
    expect(health.report().isHealthy).toBe(true);
    health.close();
  });
});
