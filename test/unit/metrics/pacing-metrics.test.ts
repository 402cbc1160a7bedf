import { Registry } from 'prom-client';
import { createMetricsRegistry, PacingMetrics } from '../../../src/metrics/index.js';

describe('PacingMetrics', () => {
  it('exposes per-target gauges labelled by namespace, cluster and target, and removes them when forgotten', async () => {
    const registry = new Registry();
    const metrics = new PacingMetrics(registry);
    metrics.recordTarget('tenant/main', 'chat', {
      invitesAllowed: 4,
      freeSlots: 6,
      pendingInvitations: 2,
      abandonmentRatio: 0.021,
      occupancyRatio: 0.85,
      waitingInteractions: 3,
      abandonmentGoalRatio: 0.03,
    });
    const text = await registry.metrics();
    expect(text).toContain('pacing_waiting_interactions{namespace="tenant",cluster="main",target="chat"} 3');
    expect(text).toContain(
      'pacing_abandonment_goal_ratio{namespace="tenant",cluster="main",target="chat"} 0.03',
    );
    expect(text).toContain('pacing_invites_allowed{namespace="tenant",cluster="main",target="chat"} 4');
    expect(text).toContain('pacing_abandonment_ratio{namespace="tenant",cluster="main",target="chat"} 0.021');
    metrics.forgetCluster('tenant/main', ['chat']);
    expect(await registry.metrics()).not.toContain('target="chat"');
  });

  it('drops a ratio series when the ratio is not known rather than keeping a stale value', async () => {
    const registry = new Registry();
    const metrics = new PacingMetrics(registry);
    const figures = { invitesAllowed: 1, freeSlots: 1, pendingInvitations: 0, occupancyRatio: 0.5 };
    metrics.recordTarget('t/c', 'voice', { ...figures, abandonmentRatio: 0.1 });
    metrics.recordTarget('t/c', 'voice', { ...figures, abandonmentRatio: undefined });
    expect(await registry.metrics()).not.toMatch(/pacing_abandonment_ratio\{/);
  });

  it('counts cycles, skipped slots and engagement exchanges', async () => {
    const registry = new Registry();
    const metrics = new PacingMetrics(registry);
    metrics.recordCycle('t/c', 0.2);
    metrics.recordCyclesSkipped('t/c', 'Overrun', 2);
    metrics.recordEngagementRequest('t/c', {
      durationSeconds: 0.05,
      outcome: 'ok',
      requestBytes: 300,
      responseBytes: 900,
    });
    const text = await registry.metrics();
    expect(text).toContain('pacing_cycle_duration_seconds_count{namespace="t",cluster="c"} 1');
    expect(text).toContain('pacing_cycles_skipped_total{namespace="t",cluster="c",reason="Overrun"} 2');
    expect(text).toContain(
      'pacing_engagement_request_duration_seconds_count{namespace="t",cluster="c",outcome="ok"} 1',
    );
    expect(text).toContain(
      'pacing_engagement_request_bytes_sum{namespace="t",cluster="c",direction="response"} 900',
    );
  });

  it('observes statistics answers by the form they came in', async () => {
    const registry = new Registry();
    const metrics = new PacingMetrics(registry);
    metrics.recordStatsAnswer('t/c', 370_000, 'table-v2');
    metrics.recordStatsAnswer('t/c', 190_000, 'table-v2-roster-held');
    metrics.recordStatsAnswer('t/c', 180_000, 'table-v2-roster-held');
    const text = await registry.metrics();
    expect(text).toContain('pacing_stats_answer_bytes_count{namespace="t",cluster="c",form="table-v2"} 1');
    expect(text).toContain(
      'pacing_stats_answer_bytes_sum{namespace="t",cluster="c",form="table-v2-roster-held"} 370000',
    );
    expect(text).toContain(
      'pacing_stats_answer_bytes_bucket{le="262144",namespace="t",cluster="c",form="table-v2-roster-held"} 2',
    );
  });

  it('observes the collections run between cycles, by reason', async () => {
    const registry = new Registry();
    const metrics = new PacingMetrics(registry);
    metrics.recordIdleCollection(0.076, 'memory');
    metrics.recordIdleCollection(0.148, 'memory');
    metrics.recordIdleCollection(0.09, 'heap');
    const text = await registry.metrics();
    expect(text).toContain('pacing_idle_gc_duration_seconds_count{reason="memory"} 2');
    expect(text).toContain('pacing_idle_gc_duration_seconds_bucket{le="0.1",reason="memory"} 1');
    expect(text).toMatch(/pacing_idle_gc_duration_seconds_sum\{reason="memory"\} 0\.22\d*/);
    expect(text).toContain('pacing_idle_gc_duration_seconds_count{reason="heap"} 1');
  });

  it('builds independent registries without touching the global default one', async () => {
    const a = createMetricsRegistry({ collectProcessMetrics: false });
    const b = createMetricsRegistry({ collectProcessMetrics: false });
    new PacingMetrics(a);
    expect(() => new PacingMetrics(b)).not.toThrow();
    expect(await b.metrics()).toContain('pacing_free_slots');
  });
});
