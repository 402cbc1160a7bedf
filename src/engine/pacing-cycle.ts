import { STALE_FENCE_CODE } from '../api/protocol/index.js';
import type { Clock } from './clock.js';
import type { ClusterConfig } from './cluster-config.js';
import type { CycleOutcome, InputHealth, TargetOutcome } from './cycle-outcome.js';
import type { EngagementExchange, EngagementTargetReport } from './engagement-exchange.js';
import type { LeaseFence } from './lease-fence.js';
import type { LearnedState } from './learned-state.js';
import { reportsById, type PacingDecider } from './pacing-decider.js';
import { CycleVerdicts, zeroOutcome } from './cycle-verdicts.js';
import {
  fencingTokensOf,
  heldTargets,
  peersSharing,
  selectionOf,
  snapshotOfHeld,
} from './sharded-cycle-plan.js';
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
  /** Sharded: pace only the targets of these shards (each shard is paced in cycles of its own). */
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

/** What an outcome keeps of a statistics reading. */
interface StatsHealth {
  readonly health: InputHealth;
  readonly ageMs?: number | undefined;
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
  const startedCpuMs = ports.clock.threadCpuMs?.();
  // Sharded: this instance paces only the targets of the shards it holds now; the others belong to peers.
  const targets = heldTargets(input.targets, ports.fence, startedAtMs, input.slotStartMs, input.onlyShards);

  // 1. Statistics: missing or stale data means nobody may be invited (PACING.md invariant). Sharded, only the
  //    agents and queues of the held targets are asked for (see snapshotOfHeld for why that decides the same).
  const selection = ports.fence.shards === undefined ? undefined : selectionOf(targets);
  const reading = await readStats(ports, cluster, signal, selection);
  const statsReadAtMs = ports.clock.nowMs();
  const statsReadCpuMs = ports.clock.threadCpuMs?.();
  // From here on only the health is kept: the snapshot (about 10 MB at 50,000 agents) is not held through the
  // publish phase once decided.
  const stats: StatsHealth = { health: reading.health, ageMs: reading.ageMs };

  // 2. Decide, or fail safe to zeros with the statistics' reason.
  let verdicts: CycleVerdicts;
  let learnedState = input.learnedState;
  if (reading.snapshot === undefined) {
    const reason = stats.health.reason === 'Stale' ? 'StatsStale' : 'StatsUnavailable';
    verdicts = CycleVerdicts.failed(targets, { reason, message: stats.health.message });
  } else {
    const decided = decide(input, targets, ports, reading.snapshot, selection);
    verdicts = decided.verdicts;
    learnedState = decided.learnedState;
  }
  const marks: CycleMarks = {
    startedAtMs,
    statsReadAtMs,
    decidedAtMs: ports.clock.nowMs(),
    cpuMs: [startedCpuMs, statsReadCpuMs, ports.clock.threadCpuMs?.()],
  };

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
  const tokenOf = fencingTokensOf(publishable, ports.fence);
  const request = {
    clusterId: cluster.clusterId,
    cycleId: input.cycleId,
    intervalMs: cluster.refreshPeriodMs,
    publisher: ports.publisher,
    targets: publishable.map((t, p) => {
      const fence = tokenOf(p);
      const invites = verdicts.invitesOf(at[p]!);
      const groups = groupNamesOf(t);
      return fence === undefined ? { id: t.id, invites, groups } : { id: t.id, invites, groups, fence };
    }),
  };
  try {
    const answer = await ports.engagement.exchange(request, signal);
    const reports = reportsById(answer);
    const outcomes = publishable.map((t, p) => verdicts.outcomeOf(at[p]!, reports.get(t.id)));
    for (const outcome of lost) outcomes.push(outcome);
    const isFenced = publishable.every((_, p) => outcomes[p]!.detailReason === STALE_FENCE_CODE);
    if (isFenced) {
      // The platform applied a newer leader's publish first: this replica lost the lease while its publish was on
      // the way. Nothing of it was applied, so the cycle counts as not published, like a failed fence.
      const fenced: InputHealth = {
        isHealthy: false,
        reason: 'Fenced',
        message: 'the engagement platform refused a stale fencing token: another replica published since',
      };
      return {
        outcome: finish(input, ports, marks, false, stats, fenced, outcomes),
        learnedState: input.learnedState,
        reports: input.reports,
      };
    }
    const health: InputHealth = {
      isHealthy: true,
      reason: 'Exchanged',
      message: `cycle ${input.cycleId} published`,
    };
    return {
      outcome: finish(input, ports, marks, true, stats, health, outcomes),
      learnedState,
      reports: withGoodReports(input.reports, answer.targets),
    };
  } catch (error) {
    const message = `engagement exchange failed: ${describe(error)}`;
    const outcomes = publishable.map((_, p) => verdicts.zeroOf(at[p]!, 'EngagementUnreachable', message));
    for (const outcome of lost) outcomes.push(outcome);
    const health: InputHealth = {
      isHealthy: false,
      reason: 'Unreachable',
      message,
      errorCode: codeOf(error),
    };
    // The policy saw no effect of its decision, so its state does not advance either.
    return {
      outcome: finish(input, ports, marks, true, stats, health, outcomes),
      learnedState: input.learnedState,
      reports: input.reports,
    };
  }
}

/**
 * The reports to carry on: the previous ones with this answer's good reports laid over them. A target in error
 * may come back without counters; keeping its last good report means the next good one yields the true delta
 * instead of everything since the platform started.
 */
function withGoodReports(
  previous: ReadonlyMap<string, EngagementTargetReport>,
  answered: readonly EngagementTargetReport[],
): ReadonlyMap<string, EngagementTargetReport> {
  // Copied with forEach: the Map constructor would allocate an entry pair per report.
  const merged = new Map<string, EngagementTargetReport>();
  previous.forEach((report, id) => merged.set(id, report));
  for (const report of answered) if (report.error === undefined) merged.set(report.id, report);
  return merged;
}

/** The index in `all` of each of `some`, a subsequence of `all` in the same order. */
function indexesIn(all: readonly TargetConfig[], some: readonly TargetConfig[]): readonly number[] {
  const at = new Array<number>(some.length);
  if (some === all) {
    for (let i = 0; i < all.length; i++) at[i] = i;
    return at;
  }
  for (let i = 0, s = 0; i < all.length && s < some.length; i++) if (all[i] === some[s]) at[s++] = i;
  return at;
}

/** The group names a target is published with, kept per target config (which lives until its spec changes). */
const groupNames = new WeakMap<TargetConfig, readonly string[]>();
function groupNamesOf(target: TargetConfig): readonly string[] {
  let names = groupNames.get(target);
  if (names === undefined) {
    names = target.groups.map((g) => g.name);
    groupNames.set(target, names);
  }
  return names;
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
  selection: EngineStatsSelection | undefined,
): { verdicts: CycleVerdicts; learnedState: LearnedState } {
  const { cluster } = input;
  try {
    // A source that answered this very selection left out what the held targets do not name: cutting the
    // snapshot again (a set lookup per agent, about 24 ms of a 10,000-target shard's cycle) would change nothing.
    const isCut =
      ports.fence.shards === undefined || (selection !== undefined && snapshot.selectedBy === selection);
    const cut = isCut ? snapshot : snapshotOfHeld(snapshot, targets);
    const output = ports.decider.decide({
      nowMs: ports.clock.nowMs(),
      cycleId: input.cycleId,
      intervalMs: cluster.refreshPeriodMs,
      policy: cluster.policy,
      snapshot: cut,
      targets,
      capacityPeers: ports.fence.shards === undefined ? undefined : peersSharing(input.targets, targets, cut),
      reports: input.reports,
      learnedState: input.learnedState,
    });
    return {
      verdicts: CycleVerdicts.decided(targets, output.targets, cluster.policy),
      learnedState: output.learnedState,
    };
  } catch (error) {
    const message = `the ${cluster.policy} policy failed: ${describe(error)}`;
    return {
      verdicts: CycleVerdicts.failed(targets, { reason: 'PolicyFailed', message }),
      learnedState: input.learnedState,
    };
  }
}

function notPublished(reason: string): InputHealth {
  return { isHealthy: true, reason, message: 'nothing was published this cycle' };
}

/** When the cycle started and when its statistics and decision phases ended. */
interface CycleMarks {
  readonly startedAtMs: number;
  readonly statsReadAtMs: number;
  readonly decidedAtMs: number;
  /** The thread's CPU time at the same three marks (undefined when the clock does not read it). */
  readonly cpuMs: readonly [number | undefined, number | undefined, number | undefined];
}

function finish(
  input: CycleInput,
  ports: CyclePorts,
  marks: CycleMarks,
  isPublished: boolean,
  stats: StatsHealth,
  engagement: InputHealth,
  targets: readonly TargetOutcome[],
): CycleOutcome {
  const endedAtMs = ports.clock.nowMs();
  const [startedCpuMs, statsReadCpuMs, decidedCpuMs] = marks.cpuMs;
  const endedCpuMs = ports.clock.threadCpuMs?.();
  return {
    clusterKey: input.cluster.key,
    cycleId: input.cycleId,
    slotStartMs: input.slotStartMs,
    startedAtMs: marks.startedAtMs,
    durationMs: Math.max(0, endedAtMs - marks.startedAtMs),
    phasesMs: {
      stats: marks.statsReadAtMs - marks.startedAtMs,
      decide: marks.decidedAtMs - marks.statsReadAtMs,
      publish: Math.max(0, endedAtMs - marks.decidedAtMs),
    },
    ...(startedCpuMs === undefined ||
    statsReadCpuMs === undefined ||
    decidedCpuMs === undefined ||
    endedCpuMs === undefined
      ? {}
      : {
          phasesCpuMs: {
            stats: roundedMs(statsReadCpuMs - startedCpuMs),
            decide: roundedMs(decidedCpuMs - statsReadCpuMs),
            publish: roundedMs(endedCpuMs - decidedCpuMs),
          },
        }),
    isPublished,
    stats: { ...stats.health, ageMs: stats.ageMs },
    engagement,
    targets,
    ...(ports.fence.shards === undefined ? {} : { clusterTargetCount: input.targets.length }),
    ...(input.onlyShards === undefined
      ? {}
      : { speaksFor: speakerFor(ports.fence, ports.clock, input.onlyShards) }),
  };
}

/** Sharded: a cycle of some shards speaks for their targets and for those of shards no longer held (see CycleOutcome). */
function speakerFor(
  fence: LeaseFence,
  clock: Clock,
  pacedShards: ReadonlySet<number>,
): (targetKey: string) => boolean {
  const shards = fence.shards;
  if (shards === undefined) return () => true;
  return (targetKey) => {
    const shard = shards.shardOf(targetKey);
    return pacedShards.has(shard) || !shards.holdsShard(shard, clock.nowMs());
  };
}

/** CPU milliseconds to a tenth, for logs. */
function roundedMs(ms: number): number {
  return Math.round(Math.max(0, ms) * 10) / 10;
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
