import type { Clock } from './clock.js';
import type { ClusterConfig } from './cluster-config.js';
import type { CycleOutcome, InputHealth, TargetOutcome } from './cycle-outcome.js';
import {
  finish,
  notPublished,
  policyFailed,
  settlePublication,
  describe,
  type CycleMarks,
  type ExchangeResult,
  type StatsHealth,
} from './cycle-settlement.js';
import { fencingTokens, groupNamesOf, heldTargets, indexesIn, selectionOf } from './cycle-targets.js';
import { CycleVerdicts, zeroOutcome } from './cycle-verdicts.js';
import { decisionInputOf } from './decision-input.js';
import { publishWhileDeciding } from './overlapped-publication.js';
import type { EngagementExchange, EngagementTargetReport } from './engagement-exchange.js';
import type { LeaseFence } from './lease-fence.js';
import type { LearnedState } from './learned-state.js';
import type { PacingDecider } from './pacing-decider.js';
import type { EngineStatsSelection, EngineStatsSnapshot, StatsSource } from './stats-source.js';
import type { TargetConfig } from './target-config.js';

/** The I/O and decision ports one cycle uses. */
export interface CyclePorts {
  /** Statistics source. */
  readonly stats: StatsSource;
  /** Engagement platform. */
  readonly engagement: EngagementExchange;
  /** Lease check right before publishing. */
  readonly fence: LeaseFence;
  /** Pure pacing code. */
  readonly decider: PacingDecider;
  /** Time. */
  readonly clock: Clock;
  /** Identity of this instance, sent as `publisher`. */
  readonly publisher: string;
}

/** What a cycle starts from. */
export interface CycleInput {
  /** The cluster's configuration. */
  readonly cluster: ClusterConfig;
  /** Targets to pace. */
  readonly targets: readonly TargetConfig[];
  /** The cycle id to publish. */
  readonly cycleId: number;
  /** Wall-clock ms the slot started. */
  readonly slotStartMs: number;
  /** Learned state from the previous cycle. */
  readonly learnedState: LearnedState;
  /** Reports from the previous exchange. */
  readonly reports: ReadonlyMap<string, EngagementTargetReport>;
  /** Aborts the cycle (stop or timeout). */
  readonly signal: AbortSignal;
  /** Sharded: pace only the targets of these shards (a catch-up cycle for shards gained mid-slot). */
  readonly onlyShards?: ReadonlySet<number>;
}

/** What a cycle leaves for the next one, plus its outcome. */
export interface CycleResult {
  /** The outcome for the sinks. */
  readonly outcome: CycleOutcome;
  /** Learned state to carry on (unchanged when nothing was published). */
  readonly learnedState: LearnedState;
  /** Reports to carry on (unchanged when the exchange failed). */
  readonly reports: ReadonlyMap<string, EngagementTargetReport>;
}

type StatsReading =
  | { readonly snapshot: EngineStatsSnapshot; readonly health: InputHealth; readonly ageMs: number }
  | { readonly snapshot?: undefined; readonly health: InputHealth; readonly ageMs?: number | undefined };

/**
 * Runs one pacing cycle: statistics → decision → fencing → exchange → outcome. Never throws: every failure
 * becomes a fail-safe outcome (0 invitations with a reason), because a pacing worker must keep running.
 */
export async function runPacingCycle(input: CycleInput, ports: CyclePorts): Promise<CycleResult> {
  const { cluster, signal } = input;
  const startedAtMs = ports.clock.nowMs();
  // Sharded: this instance paces only the targets of the shards it holds now; the others belong to peers.
  const targets = heldTargets(input.targets, ports.fence, startedAtMs, input.slotStartMs, input.onlyShards);

  // 1. Statistics: missing or stale data means nobody may be invited (PACING.md invariant). Sharded, only the
  //    agents and queues of the held targets are asked for (see snapshotOfHeld for why that decides the same).
  const selection = ports.fence.shards === undefined ? undefined : selectionOf(targets);
  const reading = await readStats(ports, cluster, signal, selection);
  const statsReadAtMs = ports.clock.nowMs();
  // From here on only the health is kept: the snapshot (about 10 MB at 50,000 agents) is not held through the
  // publish phase once decided.
  const stats: StatsHealth = { health: reading.health, ageMs: reading.ageMs };

  // 2–5 at once where the publication can overlap the decision (see publishWhileDeciding); else one after another.
  if (reading.snapshot !== undefined) {
    const overlapped = await publishWhileDeciding(input, targets, ports, reading.snapshot, stats, {
      startedAtMs,
      statsReadAtMs,
    });
    if (overlapped !== undefined) return overlapped;
  }

  // 2. Decide, or fail safe to zeros with the statistics' reason.
  let verdicts: CycleVerdicts;
  let learnedState = input.learnedState;
  if (reading.snapshot === undefined) {
    const reason = stats.health.reason === 'Stale' ? 'StatsStale' : 'StatsUnavailable';
    verdicts = CycleVerdicts.failed(targets, { reason, message: stats.health.message });
  } else {
    const decided = decide(input, targets, ports, reading.snapshot);
    verdicts = decided.verdicts;
    learnedState = decided.learnedState;
  }
  const marks: CycleMarks = { startedAtMs, statsReadAtMs, decidedAtMs: ports.clock.nowMs() };

  // 3. A cycle aborted by stop or by its timeout publishes nothing: its allowances would arrive late, and the
  //    previous ones lapse at the end of their interval anyway, which is itself the fail-safe.
  if (signal.aborted) {
    const all = targets.map((_, i) => verdicts.outcomeOf(i));
    return {
      outcome: finish(input, ports, marks, false, stats, notPublished('Aborted'), all),
      learnedState: input.learnedState,
      reports: input.reports,
    };
  }

  // 4. Fencing: the lease is checked right before publishing, never earlier, so a leader that lost it mid-cycle
  //    publishes nothing (a second leader may already be publishing this slot).
  //    Sharded, the check is per shard: the targets of a shard lost mid-cycle are dropped from this very publish.
  const fencedAtMs = ports.clock.nowMs();
  const publishable = heldTargets(targets, ports.fence, fencedAtMs);
  const lostMessage = 'the lease was lost before publishing';
  if (!ports.fence.holdsValidLease(fencedAtMs) || (targets.length > 0 && publishable.length === 0)) {
    const all = targets.map((t) => zeroOutcome(t, 'LeaseLost', lostMessage));
    return {
      outcome: finish(input, ports, marks, false, stats, notPublished('LeaseLost'), all),
      learnedState: input.learnedState,
      reports: input.reports,
    };
  }
  if (publishable.length === 0) {
    // Allowances lapse after their interval, so with no targets there is nothing to publish.
    const none: InputHealth = { isHealthy: true, reason: 'NoTargets', message: 'no targets to publish' };
    return {
      outcome: finish(input, ports, marks, true, stats, none, []),
      learnedState,
      reports: input.reports,
    };
  }
  // Where each publishable target sits among the cycle's targets (publishable keeps their order).
  const at = indexesIn(targets, publishable);
  const lost: TargetOutcome[] = [];
  if (publishable.length !== targets.length) {
    for (let i = 0, p = 0; i < targets.length; i++) {
      if (at[p] === i) p++;
      else lost.push(zeroOutcome(targets[i]!, 'LeaseLost', lostMessage));
    }
  }

  // 5. Publish, each target with the fencing token of the lease it was just checked against: a platform that
  //    keeps the highest token it applied refuses this publish if it arrives after a newer leader's.
  const tokenOf = fencingTokens(ports.fence);
  const request = {
    clusterId: cluster.clusterId,
    cycleId: input.cycleId,
    intervalMs: cluster.refreshPeriodMs,
    publisher: ports.publisher,
    targets: publishable.map((t, p) => {
      const fence = tokenOf(t.key);
      const invites = verdicts.invitesOf(at[p]!);
      const groups = groupNamesOf(t);
      return fence === undefined ? { id: t.id, invites, groups } : { id: t.id, invites, groups, fence };
    }),
  };
  let exchanged: ExchangeResult;
  try {
    exchanged = { answer: await ports.engagement.exchange(request, signal) };
  } catch (error) {
    exchanged = { error };
  }
  return settlePublication(
    { input, ports, marks, stats },
    { publishable, at, lost },
    verdicts,
    learnedState,
    exchanged,
  );
}

async function readStats(
  ports: CyclePorts,
  cluster: ClusterConfig,
  signal: AbortSignal,
  selection: EngineStatsSelection | undefined,
): Promise<StatsReading> {
  let snapshot: EngineStatsSnapshot;
  try {
    snapshot = await ports.stats.fetch(signal, selection);
  } catch (error) {
    return {
      health: {
        isHealthy: false,
        reason: 'Unreachable',
        message: `statistics source failed: ${describe(error)}`,
      },
    };
  }
  const takenAtMs = Date.parse(snapshot.snapshotTime);
  if (Number.isNaN(takenAtMs)) {
    return {
      health: {
        isHealthy: false,
        reason: 'Unreachable',
        message: `statistics snapshotTime is not a time: ${JSON.stringify(snapshot.snapshotTime)}`,
      },
    };
  }
  const ageMs = Math.max(0, ports.clock.nowMs() - takenAtMs);
  if (ageMs > cluster.statsStaleAfterMs) {
    return {
      ageMs,
      health: {
        isHealthy: false,
        reason: 'Stale',
        // No age in the message: it would change every cycle (the age is in `ageMs`, for metrics and logs).
        message: `statistics snapshot is older than the ${cluster.statsStaleAfterMs} ms staleness limit`,
      },
    };
  }
  return { snapshot, ageMs, health: { isHealthy: true, reason: 'Fetched', message: 'statistics are fresh' } };
}

function decide(
  input: CycleInput,
  targets: readonly TargetConfig[],
  ports: CyclePorts,
  snapshot: EngineStatsSnapshot,
): { verdicts: CycleVerdicts; learnedState: LearnedState } {
  const { cluster } = input;
  try {
    const output = ports.decider.decide(decisionInputOf(input, targets, ports, snapshot));
    return {
      verdicts: CycleVerdicts.decided(targets, output.targets, cluster.policy),
      learnedState: output.learnedState,
    };
  } catch (error) {
    return {
      verdicts: CycleVerdicts.failed(targets, {
        reason: 'PolicyFailed',
        message: policyFailed(cluster, error),
      }),
      learnedState: input.learnedState,
    };
  }
}
