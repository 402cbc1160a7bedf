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

  it('keeps the series of held shards a cycle does not speak for, and drops those it speaks for', async () => {
    const registry = new Registry();
    const sink = new MetricsOutcomeSink(new PacingMetrics(registry));
    // Sharded: chat is in shard 0, voice and email in shard 1; each shard is paced by cycles of its own.
    const shardOf = (key: string) => (key === 'tenant/chat' ? 0 : 1);
    let held = new Set([0, 1]);
    const ofShard = (shard: number) => (key: string) => shardOf(key) === shard || !held.has(shardOf(key));
    sink.cycleCompleted({ ...anOutcome(['chat']), speaksFor: ofShard(0) });
    sink.cycleCompleted({ ...anOutcome(['voice', 'email']), speaksFor: ofShard(1) });
    const afterBoth = await registry.metrics();
    // Shard 1's next cycle no longer has email (deleted): its series goes, chat's stays.
    sink.cycleCompleted({ ...anOutcome(['voice']), speaksFor: ofShard(1) });
    const afterDelete = await registry.metrics();
    // Shard 0 handed on: shard 1's next cycle speaks for chat too, and drops it.
    held = new Set([1]);
    sink.cycleCompleted({ ...anOutcome(['voice']), speaksFor: ofShard(1) });
    const afterHandOn = await registry.metrics();

    for (const name of ['chat', 'voice', 'email']) expect(afterBoth).toContain(`target="${name}"`);
    expect(afterDelete).toContain('target="chat"');
    expect(afterDelete).not.toContain('target="email"');
    expect(afterHandOn).not.toContain('target="chat"');
    expect(afterHandOn).toContain('target="voice"');
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
