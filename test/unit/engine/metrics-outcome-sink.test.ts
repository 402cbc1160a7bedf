import { Registry } from 'prom-client';
import { MetricsOutcomeSink, type CycleOutcome } from '../../../src/engine/index.js';
import { PacingMetrics } from '../../../src/metrics/index.js';

function anOutcome(targets: string[]): CycleOutcome {
  return {
    clusterKey: 'tenant/main',
    cycleId: 1,
    slotStartMs: 0,
    startedAtMs: 0,
    durationMs: 250,
    isPublished: true,
    stats: { isHealthy: true, reason: 'Fetched', message: '' },
    engagement: { isHealthy: true, reason: 'Exchanged', message: '' },
    targets: targets.map((name) => ({
      key: `tenant/${name}`,
      id: `${name}:chat`,
      invites: 4,
      reason: 'Paced' as const,
      detailReason: 'Paced',
      message: '',
      optimizationGoalPercent: 3,
      figures: { freeSlots: 6, busySlots: 2, waiting: 0, pending: 1, abandonRatio: 0.02, occupancy: 0.25 },
    })),
  };
}

describe('MetricsOutcomeSink', () => {
  it('sets every target gauge each cycle with the cluster key and target name as labels', async () => {
    const registry = new Registry();
    const sink = new MetricsOutcomeSink(new PacingMetrics(registry));

    sink.cycleCompleted(anOutcome(['chat']));

    const text = await registry.metrics();
    expect(text).toContain('pacing_invites_allowed{namespace="tenant",cluster="main",target="chat"} 4');
    expect(text).toContain('pacing_free_slots{namespace="tenant",cluster="main",target="chat"} 6');
    expect(text).toContain('pacing_pending_invitations{namespace="tenant",cluster="main",target="chat"} 1');
    expect(text).toContain('pacing_abandonment_ratio{namespace="tenant",cluster="main",target="chat"} 0.02');
    expect(text).toContain('pacing_cycle_duration_seconds_count{namespace="tenant",cluster="main"} 1');
  });

  it("exports the pending invitations of this cycle's answer when the platform reported them", async () => {
    const registry = new Registry();
    const sink = new MetricsOutcomeSink(new PacingMetrics(registry));
    const outcome = anOutcome(['chat']);

    sink.cycleCompleted({ ...outcome, targets: [{ ...outcome.targets[0]!, reportedPending: 5 }] });

    expect(await registry.metrics()).toContain(
      'pacing_pending_invitations{namespace="tenant",cluster="main",target="chat"} 5',
    );
  });

  it('drops the series of a target that left the cluster, and of every target when the worker stops', async () => {
    const registry = new Registry();
    const sink = new MetricsOutcomeSink(new PacingMetrics(registry));
    sink.cycleCompleted(anOutcome(['chat', 'voice']));

    sink.cycleCompleted(anOutcome(['chat']));
    const afterLeave = await registry.metrics();
    sink.workerStopped('tenant/main');
    const afterStop = await registry.metrics();

    expect(afterLeave).not.toContain('target="voice"');
    expect(afterLeave).toContain('target="chat"');
    expect(afterStop).not.toContain('target="chat"');
  });

  it('adds the targets of a catch-up cycle to the slot’s own, and drops none of them', async () => {
    const registry = new Registry();
    const sink = new MetricsOutcomeSink(new PacingMetrics(registry));
    sink.cycleCompleted(anOutcome(['chat']));
    sink.cycleCompleted({ ...anOutcome(['voice']), isCatchUp: true });
    const afterCatchUp = await registry.metrics();
    sink.cycleCompleted(anOutcome(['voice']));
    const afterNextSlot = await registry.metrics();

    expect(afterCatchUp).toContain(
      'pacing_invites_allowed{namespace="tenant",cluster="main",target="chat"} 4',
    );
    expect(afterCatchUp).toContain(
      'pacing_invites_allowed{namespace="tenant",cluster="main",target="voice"} 4',
    );
    // The next slot's own cycle no longer paces chat (its shard was handed on): its series goes.
    expect(afterNextSlot).not.toContain('target="chat"');
    expect(afterNextSlot).toContain('target="voice"');
  });

  it('counts skipped slots by reason', async () => {
    const registry = new Registry();
    const sink = new MetricsOutcomeSink(new PacingMetrics(registry));

    sink.cyclesSkipped('tenant/main', 2, 'Overrun');
    sink.cyclesSkipped('tenant/main', 1, 'NotLeader');

    const text = await registry.metrics();
    expect(text).toContain(
      'pacing_cycles_skipped_total{namespace="tenant",cluster="main",reason="Overrun"} 2',
    );
    expect(text).toContain(
      'pacing_cycles_skipped_total{namespace="tenant",cluster="main",reason="NotLeader"} 1',
    );
  });
});
