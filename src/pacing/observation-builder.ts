import { resolveTargetAgents } from './agent-group-resolver.js';
import type { AgentIndex } from './agent-index.js';
import { counterDelta } from './counter-delta.js';
import type { CounterMemory, CounterMemoryEntry, Observation, ObservationDeltas } from './observation.js';
import type {
  EngagementReportInput,
  StatsSnapshotInput,
  TargetInput,
  VirtualQueueInput,
} from './pacing-input.js';
import { splitSharedCapacityColumns, type TargetSlotColumns } from './shared-capacity-split.js';

/** Everything the observation builder needs for one cycle. */
export interface ObservationInput {
  /** Decision time, ms since the epoch. */
  readonly nowMs: number;
  /** Interval the invitations are for, ms. */
  readonly intervalMs: number;
  /** A snapshot older than this (ms, measured from `snapshotTime`) is stale; the guard chain then sends 0. */
  readonly staleAfterMs: number;
  /** The latest statistics snapshot; undefined when none could be read. */
  readonly snapshot: StatsSnapshotInput | undefined;
  /** The targets to observe. */
  readonly targets: readonly TargetInput[];
  /** The engagement platform's latest report per target id. */
  readonly reports: ReadonlyMap<string, EngagementReportInput>;
  /** Counters remembered from the previous cycle (an empty object on the first cycle). */
  readonly memory: CounterMemory;
  /** The previous result's `agentIndex`, if any: spares rebuilding it while the agents keep their order. */
  readonly agentIndex?: AgentIndex | undefined;
}

/** Observations in the order of the targets, and the counter memory for the next cycle. */
export interface ObservationResult {
  /** One observation per target. */
  readonly observations: Observation[];
  /** Counters to pass to the next cycle; targets no longer present are dropped. */
  readonly memory: CounterMemory;
  /** Configuration problems per target id (unparsable skill expressions); absent when none. */
  readonly problems: Readonly<Record<string, readonly string[]>>;
  /** Agent id → snapshot index used for `agents` lists, to hand to the next call (see ObservationInput). */
  readonly agentIndex: AgentIndex | undefined;
}

const emptySnapshot: StatsSnapshotInput = {
  snapshotTime: '1970-01-01T00:00:00.000Z',
  agents: [],
  virtualQueues: [],
};

/** Virtual queue name of a target: its explicit `virtualQueue`, else the id up to the last `:`. */
export function virtualQueueOf(target: TargetInput): string {
  if (target.virtualQueue !== undefined) return target.virtualQueue;
  const colon = target.id.lastIndexOf(':');
  return colon > 0 ? target.id.slice(0, colon) : target.id;
}

/**
 * Turns a statistics snapshot, the engagement reports and the target definitions into one observation per
 * target: agent groups resolved, shared capacity split (see {@link splitSharedCapacityColumns}), and cumulative counters
 * turned into deltas against `memory` (a counter that went down was reset; the first reading yields 0).
 */
export function buildObservations(input: ObservationInput): ObservationResult {
  const round = prepareObservations(input);
  const memory: Record<string, CounterMemoryEntry> = {};
  const problems: Record<string, readonly string[]> = {};
  const observations: Observation[] = new Array<Observation>(input.targets.length);
  for (let t = 0; t < input.targets.length; t++) {
    const id = input.targets[t]!.id;
    const observation = blankObservation();
    memory[id] = observeTarget(round, t, input.memory[id], problems, observation);
    observations[t] = observation;
  }
  return { observations, memory, problems, agentIndex: round.agentIndex };
}

/**
 * What every target's observation of one round is read from: the snapshot's time, each target's resolved agents
 * and split slots (in columns), and the virtual queues by media and name. See {@link observeTarget}.
 */
export interface ObservationRound {
  readonly input: ObservationInput;
  readonly snapshotMs: number;
  readonly hasSnapshotTime: boolean;
  readonly statsAgeMs: number;
  readonly isStale: boolean;
  readonly offsets: ArrayLike<number>;
  readonly problemsByTarget: readonly (readonly string[])[];
  readonly slots: TargetSlotColumns;
  readonly queues: ReadonlyMap<string, ReadonlyMap<string, VirtualQueueInput>>;
  readonly agentIndex: AgentIndex | undefined;
}

/** The part of observing a round that concerns every target at once: group resolution and the capacity split. */
export function prepareObservations(input: ObservationInput): ObservationRound {
  const snapshot = input.snapshot ?? emptySnapshot;
  const snapshotMs = input.snapshot ? Date.parse(snapshot.snapshotTime) : Number.NaN;
  const hasSnapshotTime = Number.isFinite(snapshotMs);
  const statsAgeMs = hasSnapshotTime ? input.nowMs - snapshotMs : Number.POSITIVE_INFINITY;
  const resolved = resolveTargetAgents(snapshot, input.targets, input.agentIndex);
  const slots = splitSharedCapacityColumns(snapshot, input.targets, resolved);
  // Queues by media, then by name: no key string is built per queue or per target.
  const queues = new Map<string, Map<string, VirtualQueueInput>>();
  for (const queue of snapshot.virtualQueues) {
    let byName = queues.get(queue.media);
    if (!byName) {
      byName = new Map();
      queues.set(queue.media, byName);
    }
    byName.set(queue.name, queue);
  }
  return {
    input,
    snapshotMs,
    hasSnapshotTime,
    statsAgeMs,
    isStale: !(statsAgeMs <= input.staleAfterMs),
    offsets: resolved.offsets,
    problemsByTarget: resolved.problemsByTarget,
    slots,
    queues,
    agentIndex: resolved.agentIndex,
  };
}

/** An observation whose fields {@link observeTarget} overwrites: reuse one for a whole round to allocate none. */
export type ObservationSlot = { -readonly [K in Exclude<keyof Observation, 'deltas'>]: Observation[K] } & {
  deltas: { -readonly [K in keyof ObservationDeltas]: ObservationDeltas[K] };
};

/** A fresh {@link ObservationSlot}. */
export function blankObservation(): ObservationSlot {
  return {
    targetId: '',
    media: '',
    nowMs: 0,
    intervalMs: 0,
    statsAgeMs: 0,
    isStale: false,
    isPaused: false,
    goalRatio: 0,
    maxInvitesPerInterval: undefined,
    freeSlots: 0,
    busySlots: 0,
    staffedSlots: 0,
    agentCount: 0,
    waiting: 0,
    waitingAgesSeconds: undefined,
    pending: 0,
    hasEngagementReport: false,
    deltas: {
      sent: 0,
      inviteAccepted: 0,
      declined: 0,
      expired: 0,
      queueAccepted: 0,
      abandoned: 0,
      answered: 0,
      handleSeconds: 0,
      statsSeconds: 0,
    },
  };
}

/**
 * Observes target `t` of the round into `into`, its counters read against `before` (what the previous round
 * remembered of it), and returns what to remember of it for the next round; records its configuration problems,
 * if any, in `problems`.
 */
export function observeTarget(
  round: ObservationRound,
  t: number,
  before: CounterMemoryEntry | undefined,
  problems: Record<string, readonly string[]>,
  into: ObservationSlot,
): CounterMemoryEntry {
  const { input, snapshotMs, hasSnapshotTime, slots, offsets } = round;
  const target = input.targets[t]!;
  const queue = round.queues.get(target.media)?.get(virtualQueueOf(target));
  const report = input.reports.get(target.id);
  const statsBefore = before?.stats ?? null;
  const engagementBefore = before?.engagement ?? null;
  // Counters that did not move keep the remembered tuple: a quiet target allocates nothing new for them.
  const statsNow = queue
    ? sameCounters(
        statsBefore,
        queue.acceptedTotal,
        queue.abandonedTotal,
        queue.answeredTotal,
        queue.handleSecondsTotal,
      )
    : null;
  const engagementNow = report
    ? sameCounters(
        engagementBefore,
        report.sentTotal,
        report.acceptedTotal,
        report.declinedTotal,
        report.expiredTotal,
      )
    : null;
  // Statistics deltas only count when the snapshot moved forward; a repeated snapshot adds nothing.
  const statsAdvanced =
    statsNow !== null && statsBefore !== null && hasSnapshotTime && snapshotMs > before!.statsTimeMs;
  const hasEngagementDeltas = engagementNow !== null && engagementBefore !== null;
  const takeStats = statsNow !== null && (statsBefore === null || statsAdvanced);
  const remembered: CounterMemoryEntry = {
    statsTimeMs: takeStats && hasSnapshotTime ? snapshotMs : (before?.statsTimeMs ?? 0),
    nowMs: input.nowMs,
    stats: takeStats ? statsNow : statsBefore,
    engagement: engagementNow ?? engagementBefore,
  };
  const targetProblems = round.problemsByTarget[t]!;
  if (targetProblems.length > 0) problems[target.id] = targetProblems;
  into.targetId = target.id;
  into.media = target.media;
  into.nowMs = input.nowMs;
  into.intervalMs = input.intervalMs;
  into.statsAgeMs = round.statsAgeMs;
  into.isStale = round.isStale;
  into.isPaused = target.paused;
  into.goalRatio = target.goalPercent / 100;
  into.maxInvitesPerInterval = target.maxInvitesPerInterval;
  into.freeSlots = slots.free[t]!;
  into.busySlots = slots.busy[t]!;
  into.staffedSlots = slots.staffed[t]!;
  into.agentCount = offsets[t + 1]! - offsets[t]!;
  into.waiting = queue ? Math.max(0, queue.waiting) : 0;
  into.waitingAgesSeconds = queue?.waitingAgesSeconds;
  into.pending = report ? Math.max(0, report.pending) : 0;
  into.hasEngagementReport = report !== undefined;
  const deltas = into.deltas;
  deltas.sent = hasEngagementDeltas ? counterDelta(engagementBefore[0], engagementNow[0]) : 0;
  deltas.inviteAccepted = hasEngagementDeltas ? counterDelta(engagementBefore[1], engagementNow[1]) : 0;
  deltas.declined = hasEngagementDeltas ? counterDelta(engagementBefore[2], engagementNow[2]) : 0;
  deltas.expired = hasEngagementDeltas ? counterDelta(engagementBefore[3], engagementNow[3]) : 0;
  deltas.queueAccepted = statsAdvanced ? counterDelta(statsBefore[0], statsNow[0]) : 0;
  deltas.abandoned = statsAdvanced ? counterDelta(statsBefore[1], statsNow[1]) : 0;
  deltas.answered = statsAdvanced ? counterDelta(statsBefore[2], statsNow[2]) : 0;
  deltas.handleSeconds = statsAdvanced ? counterDelta(statsBefore[3], statsNow[3]) : 0;
  deltas.statsSeconds = statsAdvanced ? (snapshotMs - before!.statsTimeMs) / 1000 : 0;
  return remembered;
}

/** `previous` when it holds exactly these four counters (Object.is, so NaN and −0 stay exact), else a new tuple. */
function sameCounters(
  previous: readonly [number, number, number, number] | null,
  a: number,
  b: number,
  c: number,
  d: number,
): readonly [number, number, number, number] {
  if (
    previous !== null &&
    Object.is(previous[0], a) &&
    Object.is(previous[1], b) &&
    Object.is(previous[2], c) &&
    Object.is(previous[3], d)
  ) {
    return previous;
  }
  return [a, b, c, d];
}
