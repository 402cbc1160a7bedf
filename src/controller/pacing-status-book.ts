import {
  findCondition,
  formatConditionTime,
  setCondition,
  type Condition,
  type ConditionStatus,
  type PacingClusterConditionReason,
  type PacingClusterConditionType,
  type PacingTargetConditionReason,
  type PacingTargetConditionType,
} from '../api/index.js';
import {
  pendingInvitationsOf,
  type CycleOutcome,
  type CycleOutcomeSink,
  type TargetOutcome,
} from '../engine/index.js';
import { objectKey } from './object-key.js';
import { readRawObjectFields } from './raw-object-fields.js';
import { sharedStringPool } from './string-pool.js';

/** Which pacing object a status belongs to. */
export interface PacingObjectRef {
  /** `PacingCluster` or `PacingTarget`. */
  readonly kind: 'PacingCluster' | 'PacingTarget';
  /** Namespace of the object. */
  readonly namespace: string;
  /** Name of the object. */
  readonly name: string;
  /** UID, when known (Events regard it). */
  readonly uid?: string | undefined;
}

/** Port to the status writer: compares with what is there, merge-patches /status under a write budget. */
export interface StatusSubmitter {
  /**
   * Asks for `status` (the complete status object) to be written; `isUrgent` for condition changes, `isReoffer`
   * for a status offered again after a Lease taken back that nobody else held (written with the figures).
   */
  submit(ref: PacingObjectRef, status: Record<string, unknown>, isUrgent: boolean, isReoffer?: boolean): void;
  /** Drops anything pending for a deleted object. */
  forget?(ref: PacingObjectRef): void;
}

/** Port to the Event recorder (events.k8s.io/v1, aggregating repeats). */
export interface EventEmitterPort {
  /** Records one Event regarding `ref`; never throws. */
  emit(ref: PacingObjectRef, type: 'Normal' | 'Warning', reason: string, action: string, note: string): void;
}

/** A decided condition before the setter adds the bookkeeping fields. */
export interface ConditionDecision<TType extends string, TReason extends string> {
  readonly type: TType;
  readonly status: ConditionStatus;
  readonly reason: TReason;
  readonly message: string;
}

/** Options of {@link PacingStatusBook}. */
export interface PacingStatusBookOptions {
  /** Where complete statuses go. */
  readonly writer: StatusSubmitter;
  /** Where condition transitions are announced. */
  readonly events: EventEmitterPort;
  /** Wall-clock ms. */
  readonly nowMs: () => number;
  /**
   * Only the lease holder writes status and Events; standbys keep the book warm (a target's own status is adopted
   * from its object when this instance gains it, see rewriteAll). Sharded, it is asked per object:
   * a target's status belongs to the holder of its shard, a cluster's to the holder of shard 0.
   */
  readonly isLeader: (ref: PacingObjectRef) => boolean;
  /** Identity of this instance, written as the cluster's leaderIdentity. */
  readonly identity: string;
  /** Extra fields of every cluster status (sharded: `shards`, the holder of each shard). */
  readonly clusterFields?: (() => Record<string, unknown>) | undefined;
  /**
   * Told of every condition transition (a new condition, or a new status or reason) of an object this instance
   * writes, announced or not: routine Pacing flips and stale statistics are counted though no Event tells them.
   */
  readonly onTransition?: ((kind: Kind, condition: Condition) => void) | undefined;
}

interface Entry {
  ref: PacingObjectRef;
  generation: number;
  conditions: Condition[];
  fields: Record<string, unknown>;
  statusUpdatePeriodMs: number;
  lastFiguresWriteMs: number;
  /** A new generation was seen and not written yet: the next update is written at once. */
  isGenerationUnwritten: boolean;
  /**
   * Since when (epoch ms, this instance's clock) the Pacing condition says StatsStale; undefined when it does not.
   * Not its lastTransitionTime, which a flip from another False reason (NoFreeSlots) keeps.
   */
  staleSinceMs: number | undefined;
  /** The Pacing condition has said StatsStale long enough to be written at once, or the object showed it. */
  isStaleShown: boolean;
  /**
   * An urgent change was not written: it came while this instance did not hold the object, or the writer dropped
   * it queued when the hold lapsed. A re-offer keeps it urgent; a rewrite after another holder clears it.
   */
  isUrgentUnwritten: boolean;
}

type Kind = PacingObjectRef['kind'];

/**
 * The operator's single view of what the status of every pacing object should be. Reconcilers set the
 * spec-derived conditions (Accepted, Ready), cycle outcomes set the runtime ones (Pacing, StatsSourceReachable,
 * EngagementReachable) and the figures; the book merges both into one complete status (a JSON merge patch
 * replaces the whole conditions list, so no two writers may each send part of it), writes condition changes at
 * once and figures at most once per statusUpdatePeriod, and turns condition flips into Events.
 */
export class PacingStatusBook implements CycleOutcomeSink {
  readonly #o: PacingStatusBookOptions;
  /** Entries by kind, then by `namespace/name`: a cycle looks 10,000 targets up by the key it already holds. */
  readonly #entries: Readonly<Record<Kind, Map<string, Entry>>> = {
    PacingCluster: new Map(),
    PacingTarget: new Map(),
  };

  constructor(options: PacingStatusBookOptions) {
    this.#o = options;
  }

  /**
   * Registers (or refreshes) an object as the reconciler read it from the cache; the first time this instance may
   * write it, its existing conditions seed the book so lastTransitionTime survives restarts and handovers.
   */
  observe(
    ref: PacingObjectRef,
    generation: number,
    currentConditions: readonly Condition[] | undefined,
    statusUpdatePeriodMs: number,
  ): void {
    const entries = this.#entries[ref.kind];
    const key = objectKey({ metadata: ref });
    const entry = entries.get(key);
    if (entry === undefined) {
      // A target this instance may not write (it stands by, or another replica holds its shard) gets no entry
      // until it may: a copy of the cache's conditions would go stale as the holder keeps writing, rewriteAll
      // starts it from what its object holds when this instance gains it, and sharded, most targets are other
      // replicas' (their entries were two thirds of a 30,000-target replica's 18 MiB book, never written).
      if (ref.kind === 'PacingTarget' && !this.#o.isLeader(ref)) return;
      entries.set(key, newEntry(ref, generation, currentConditions, statusUpdatePeriodMs));
      return;
    }
    entry.ref = ref;
    entry.statusUpdatePeriodMs = statusUpdatePeriodMs;
    if (entry.generation !== generation) {
      entry.generation = generation;
      // A new generation must show up (observedGeneration, effective goal) promptly, even if no condition flips;
      // the reconciler's next update carries it, so it is written once, complete.
      entry.isGenerationUnwritten = true;
    }
  }

  /** Sets conditions of a PacingCluster (by `namespace/name` key) and writes them if they changed. */
  setClusterConditions(
    key: string,
    decisions: readonly ConditionDecision<PacingClusterConditionType, PacingClusterConditionReason>[],
    fields: Record<string, unknown> = {},
  ): void {
    this.#apply('PacingCluster', key, decisions, fields);
  }

  /** Sets conditions of a PacingTarget (by `namespace/name` key) and writes them if they changed. */
  setTargetConditions(
    key: string,
    decisions: readonly ConditionDecision<PacingTargetConditionType, PacingTargetConditionReason>[],
    fields: Record<string, unknown> = {},
  ): void {
    this.#apply('PacingTarget', key, decisions, fields);
  }

  /** The current condition of an object as the book knows it (none of a target another replica writes). */
  conditionOf(kind: Kind, key: string, type: string): Condition | undefined {
    return findCondition(this.#entries[kind].get(key)?.conditions, type);
  }

  /** True when the book holds an entry for the object (this instance writes, or wrote, its status). */
  knows(kind: Kind, key: string): boolean {
    return this.#entries[kind].has(key);
  }

  /**
   * Drops the entries `only` selects (the targets of a shard handed back to another replica) and returns how many:
   * another replica writes their statuses now, and should this instance gain them again, rewriteAll starts them
   * from their objects. Unlike {@link forget}, the writer keeps nothing of them already (they are not ours).
   */
  release(only: (ref: PacingObjectRef) => boolean): number {
    let released = 0;
    for (const [key, entry] of this.#entries.PacingTarget) {
      if (!only(entry.ref)) continue;
      this.#entries.PacingTarget.delete(key);
      released += 1;
    }
    return released;
  }

  /** Forgets a deleted object. */
  forget(kind: Kind, key: string): void {
    const entry = this.#entries[kind].get(key);
    if (entry === undefined) return;
    this.#entries[kind].delete(key);
    this.#o.writer.forget?.(entry.ref);
  }

  /**
   * Re-sends every known status (after this instance became leader, its predecessor's may be behind); sharded,
   * only those `only` selects (the objects of the shard just gained). `gained` are targets this instance now
   * writes and the book does not know yet: each gets an entry first (its status update period the default until
   * its reconcile). With `currentObjectOf` (the informer cache), each target first adopts the conditions its
   * object holds now, as its previous holder wrote them: what this instance saw while standing by is older, and
   * rewriting it would flip conditions back and announce Events for changes that never happened.
   */
  rewriteAll(
    only?: (ref: PacingObjectRef) => boolean,
    currentObjectOf?: (ref: PacingObjectRef) => unknown,
    gained: readonly PacingObjectRef[] = [],
  ): void {
    // A gained target's object is read (its metadata and conditions parsed) once, here: the pass below adopts the
    // conditions parsed now instead of reading the object again. Parsing 10,000 objects again took 50-120 ms of CPU
    // (a micro-benchmark) on the replica taking over, in the middle of its cycles.
    const gainedConditions = new Map<Entry, readonly Condition[] | undefined>();
    for (const ref of gained) {
      const key = objectKey({ metadata: ref });
      if (this.#entries[ref.kind].has(key) || !this.#o.isLeader(ref)) continue;
      const fields = readRawObjectFields(currentObjectOf?.(ref));
      const entry = newEntry(ref, fields.generation, undefined, DEFAULT_STATUS_UPDATE_PERIOD_MS);
      gainedConditions.set(entry, fields.conditions);
      this.#entries[ref.kind].set(key, entry);
    }
    for (const entry of [...this.#entries.PacingCluster.values(), ...this.#entries.PacingTarget.values()]) {
      if (only !== undefined && !only(entry.ref)) continue;
      if (entry.ref.kind === 'PacingTarget' && currentObjectOf !== undefined) {
        const conditions = gainedConditions.has(entry)
          ? gainedConditions.get(entry)
          : readRawObjectFields(currentObjectOf(entry.ref)).conditions;
        adoptConditions(entry, conditions);
      }
      // Another leader may have written since this replica last did: drop the writer's memory of our last write
      // so the comparison cannot skip a status that the API no longer holds.
      this.#o.writer.forget?.(entry.ref);
      // What it saw change while standing by is not news to write ahead: the reconcile that follows writes what
      // differs from the adopted status.
      entry.isUrgentUnwritten = false;
      // Not urgent: the writer serves never-written objects ahead of figure refreshes anyway, and N urgent
      // rewrites on every regained lease would queue ahead of the condition changes users wait for.
      this.#write(entry, false);
    }
  }

  /**
   * Offers every known status again (sharded, only those `only` selects) after this instance took back a Lease
   * that nobody else held meanwhile: the API still holds what this instance wrote, so unlike {@link rewriteAll}
   * nothing is adopted and nothing goes ahead of figure refreshes but the urgent changes left unwritten when the
   * Lease lapsed; the offers replace the queued writes dropped then. A missed renewal (an API server busy for ten
   * seconds) would otherwise make every replica rewrite all it holds at once, on the API server that was already
   * too busy. Targets first seen while the Lease lapsed are not in the book: their reconcile registers them.
   */
  reofferAll(only?: (ref: PacingObjectRef) => boolean): void {
    for (const entry of [...this.#entries.PacingCluster.values(), ...this.#entries.PacingTarget.values()]) {
      if (only === undefined || only(entry.ref)) this.#write(entry, false, true);
    }
  }

  /** Cycle outcomes set the runtime conditions and figures of the cluster and of each target. */
  cycleCompleted(outcome: CycleOutcome): void {
    if (!outcome.isPublished) return;
    // Degraded belongs to the alarms; until they say otherwise a pacing cluster is not degraded.
    const degraded = this.conditionOf('PacingCluster', outcome.clusterKey, 'Degraded')
      ? []
      : [{ type: 'Degraded', status: 'False', reason: 'NoAlarms', message: 'no alarm is active' } as const];
    this.#apply(
      'PacingCluster',
      outcome.clusterKey,
      [
        statsCondition(outcome),
        // With no target nothing was exchanged, so nothing is known about the platform.
        ...(outcome.engagement.reason === 'NoTargets' ? [] : [engagementCondition(outcome)]),
        ...degraded,
      ],
      {
        ...this.#o.clusterFields?.(),
        leaderIdentity: this.#o.identity,
        targetCount: outcome.clusterTargetCount ?? outcome.targets.length,
        lastCycleTime: new Date(outcome.startedAtMs).toISOString(),
        lastCycleDurationMs: outcome.durationMs,
      },
    );
    // One clock reading for the whole cycle: its targets' conditions changed at the same moment.
    const now = new Date(this.#o.nowMs());
    // One figures record for the whole cycle, refilled per target: #apply copies what changed into the entry.
    const figures = blankTargetFigures();
    for (const target of outcome.targets) {
      // Lost to another replica mid-cycle (its shard, or a platform that refused our fencing token): the new
      // holder writes this target's status; a write from here would contradict it.
      if (target.reason === 'LeaseLost') continue;
      this.#apply(
        'PacingTarget',
        target.key,
        [pacingCondition(target)],
        fillTargetFigures(figures, target),
        now,
      );
    }
  }

  /** Nothing to write for skipped slots; metrics count them. */
  cyclesSkipped(): void {}

  #apply(
    kind: Kind,
    key: string,
    decisions: readonly ConditionDecision<string, string>[],
    fields: Record<string, unknown>,
    now: Date = new Date(this.#o.nowMs()),
  ): void {
    const entry = this.#entries[kind].get(key);
    // Not reconciled yet, deleted, or another replica's: the reconciler registers what this instance writes.
    if (entry === undefined) return;
    const before = entry.conditions;
    let conditions = before;
    for (const decision of decisions) {
      conditions = setCondition(conditions, decision, { observedGeneration: entry.generation, now });
    }
    // setCondition hands back the very list when nothing changed (most targets, most cycles) and a new one only
    // when a field differs, so identity tells; half the targets of small groups flip Pacing every cycle.
    const isConditionChanged = conditions !== before;
    // Every target holds the same few reasons, messages and timestamps: one pooled copy of each.
    entry.conditions = isConditionChanged ? sharedStringPool.internAll(conditions) : conditions;
    const isFieldsChanged = mergeFields(entry.fields, fields);
    if (isConditionChanged) this.#announce(entry, before, conditions);
    // Stale statistics are written at once only when they last: one slow read turns every target of a cluster
    // StatsStale for a cycle, and 10,000 urgent writes into the condition and out of it held the API server busy
    // for minutes, writing a state long gone. The cluster's StatsSourceReachable tells the blip at once.
    const isStaleNow = isStale(findCondition(conditions, 'Pacing'));
    entry.staleSinceMs = isStaleNow ? (entry.staleSinceMs ?? now.getTime()) : undefined;
    const wasStaleShown = entry.isStaleShown;
    const isStaleDue =
      isStaleNow &&
      !wasStaleShown &&
      now.getTime() - (entry.staleSinceMs ?? now.getTime()) >= entry.statusUpdatePeriodMs;
    entry.isStaleShown = isStaleNow && (wasStaleShown || isStaleDue);
    if (
      entry.isGenerationUnwritten ||
      isStaleDue ||
      (isConditionChanged && isUrgentChange(before, conditions, wasStaleShown))
    ) {
      this.#write(entry, true);
    } else if (isConditionChanged) {
      // Pacing flips happen every few cycles on small groups: written soon, but not ahead of Ready changes.
      this.#write(entry, false);
    } else if (isFieldsChanged && this.#o.nowMs() - entry.lastFiguresWriteMs >= entry.statusUpdatePeriodMs) {
      this.#write(entry, false);
    }
  }

  /** Marks an object's urgent change, dropped unwritten by the writer, as still to be written ahead. */
  markUrgentUnwritten(ref: Pick<PacingObjectRef, 'kind' | 'namespace' | 'name'>): void {
    const entry = this.#entries[ref.kind].get(`${ref.namespace}/${ref.name}`);
    if (entry !== undefined) entry.isUrgentUnwritten = true;
  }

  #write(entry: Entry, isUrgent: boolean, isReoffer = false): void {
    if (!this.#o.isLeader(entry.ref)) {
      entry.isUrgentUnwritten ||= isUrgent;
      return;
    }
    const isUrgentNow = isUrgent || entry.isUrgentUnwritten;
    entry.isUrgentUnwritten = false;
    entry.lastFiguresWriteMs = this.#o.nowMs();
    entry.isGenerationUnwritten = false;
    this.#o.writer.submit(
      entry.ref,
      {
        ...entry.fields,
        conditions: entry.conditions,
        observedGeneration: entry.generation,
        ...(entry.ref.kind === 'PacingTarget'
          ? { lastUpdateTime: sharedStringPool.intern(formatConditionTime(new Date(this.#o.nowMs()))) }
          : {}),
      },
      isUrgentNow,
      isReoffer && !isUrgentNow,
    );
  }

  #announce(entry: Entry, before: readonly Condition[], after: readonly Condition[]): void {
    if (!this.#o.isLeader(entry.ref)) return;
    for (const condition of after) {
      const previous = before.find((c) => c.type === condition.type);
      if (
        previous !== undefined &&
        previous.status === condition.status &&
        previous.reason === condition.reason
      )
        continue;
      this.#o.onTransition?.(entry.ref.kind, condition);
      const isBad = isWarning(condition);
      // First sight of a healthy condition is not news; a first sight of a problem is.
      if (previous === undefined && !isBad) continue;
      if (!isAnnounced(condition, previous)) continue;
      this.#o.events.emit(
        entry.ref,
        isBad ? 'Warning' : 'Normal',
        condition.reason,
        `${condition.type}${condition.status}`,
        condition.message,
      );
    }
  }
}

/**
 * Copies into `fields`, in place, each value of `update` that differs from the one there (JSON equality, strings
 * pooled); undefined values are absent, so the last known one stays. True when anything changed. In place: an
 * entry's fields are never handed out (#write copies them), and a new object per target per cycle was a large
 * share of what a cycle left to the garbage collector.
 */
function mergeFields(fields: Record<string, unknown>, update: Readonly<Record<string, unknown>>): boolean {
  let isChanged = false;
  for (const key in update) {
    const value = update[key];
    if (value === undefined || isSameJson(fields[key], value)) continue;
    fields[key] =
      typeof value === 'string' ? sharedStringPool.intern(value) : sharedStringPool.internAll(value);
    isChanged = true;
  }
  return isChanged;
}

/** JSON equality, without serialising the figures (numbers and strings) that make up most fields. */
function isSameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The Pacing condition's message for a cycle that granted nothing, one string per reason (not one per target). */
const noInvitationMessages = new Map<string, string>();
function noInvitationMessage(detailReason: string): string {
  let message = noInvitationMessages.get(detailReason);
  if (message === undefined) {
    message = `the last cycle granted no invitation (${detailReason})`;
    // Reasons are a short fixed list; a bound keeps a misbehaving decider from growing it without end.
    if (noInvitationMessages.size < 256) noInvitationMessages.set(detailReason, message);
  }
  return message;
}

/**
 * Pacing reasons that are the normal course of pacing (a cycle granted, or had nothing to grant): they flip every
 * few cycles on small groups, are shown in status and metrics, and are neither Events nor urgent writes. At
 * 10,000 targets announcing them made 23 Event POSTs and 16 PATCHes per second.
 */
const routinePacingReasons: ReadonlySet<string> = new Set([
  'Pacing',
  'NoFreeSlots',
  'NoAgentsStaffed',
  'CapReached',
  'GoalExceeded',
]);

/**
 * Pacing reasons written at once but not announced per target: stale statistics are announced once on the
 * PacingCluster (StatsSourceReachable), and Paused is the user's own edit.
 */
const quietPacingReasons: ReadonlySet<string> = new Set(['StatsStale', 'Paused']);

function isRoutine(condition: Condition | undefined): boolean {
  return condition?.type === 'Pacing' && routinePacingReasons.has(condition.reason);
}

function isQuietOrRoutine(condition: Condition | undefined): boolean {
  return condition === undefined || isRoutine(condition) || quietPacingReasons.has(condition.reason);
}

/** Whether a transition to `condition` is an Event: for Pacing, only into or out of a target error. */
function isAnnounced(condition: Condition, previous: Condition | undefined): boolean {
  if (condition.type !== 'Pacing') return true;
  return !isQuietOrRoutine(condition) || !isQuietOrRoutine(previous);
}

/**
 * A condition change a user waits to see is written ahead of figures: anything but a routine Pacing flip, a
 * flip into stale statistics (urgent once it lasts, see #apply), or a flip out of them that was never shown.
 */
function isUrgentChange(
  before: readonly Condition[],
  after: readonly Condition[],
  wasStaleShown: boolean,
): boolean {
  return after.some((condition) => {
    const previous = before.find((c) => c.type === condition.type);
    if (previous?.status === condition.status && previous.reason === condition.reason) return false;
    if (isStale(condition)) return false;
    if (isStale(previous)) return wasStaleShown || !isRoutine(condition);
    return !(isRoutine(condition) && isRoutine(previous));
  });
}

function isStale(condition: Condition | undefined): boolean {
  return condition?.type === 'Pacing' && condition.reason === 'StatsStale';
}

/** Positive-polarity conditions are bad when False; Degraded is bad when True. */
function isWarning(condition: Condition): boolean {
  return condition.type === 'Degraded' ? condition.status === 'True' : condition.status === 'False';
}

function statsCondition(
  outcome: CycleOutcome,
): ConditionDecision<PacingClusterConditionType, PacingClusterConditionReason> {
  const { stats } = outcome;
  if (stats.isHealthy)
    return {
      type: 'StatsSourceReachable',
      status: 'True',
      reason: 'SnapshotReceived',
      message: stats.message,
    };
  return {
    type: 'StatsSourceReachable',
    status: 'False',
    reason: stats.reason === 'Stale' ? 'StatsStale' : 'StatsSourceUnreachable',
    message: stats.message,
  };
}

function engagementCondition(
  outcome: CycleOutcome,
): ConditionDecision<PacingClusterConditionType, PacingClusterConditionReason> {
  const { engagement } = outcome;
  if (engagement.isHealthy)
    return {
      type: 'EngagementReachable',
      status: 'True',
      reason: 'ExchangeSucceeded',
      // Messages stay the same from cycle to cycle (no cycle ids, no counts): a changed message is a status write.
      message: 'the last allowance exchange succeeded',
    };
  const isAuth = engagement.errorCode === 'PACING_ERR_ENGAGEMENT_AUTH';
  return {
    type: 'EngagementReachable',
    status: 'False',
    reason: isAuth ? 'AuthenticationFailed' : 'ExchangeFailed',
    message: engagement.message,
  };
}

const pacingReasonByDetail: Readonly<Record<string, PacingTargetConditionReason>> = {
  NoAgentsStaffed: 'NoAgentsStaffed',
  NothingStaffed: 'NoAgentsStaffed',
  NoFreeSlots: 'NoFreeSlots',
  CapReached: 'CapReached',
  GoalExceeded: 'GoalExceeded',
  StatsStale: 'StatsStale',
  Paused: 'Paused',
};

function pacingCondition(
  target: TargetOutcome,
): ConditionDecision<PacingTargetConditionType, PacingTargetConditionReason> {
  switch (target.reason) {
    case 'Paced':
      return target.invites > 0
        ? {
            type: 'Pacing',
            status: 'True',
            reason: 'Pacing',
            message: 'the last cycle granted invitations',
          }
        : {
            type: 'Pacing',
            status: 'False',
            reason: pacingReasonByDetail[target.detailReason] ?? 'NoFreeSlots',
            message: noInvitationMessage(target.detailReason),
          };
    case 'Paused':
      return { type: 'Pacing', status: 'False', reason: 'Paused', message: target.message };
    case 'StatsStale':
    case 'StatsUnavailable':
      return { type: 'Pacing', status: 'False', reason: 'StatsStale', message: target.message };
    default:
      return { type: 'Pacing', status: 'False', reason: 'TargetError', message: target.message };
  }
}

/** The status figures of a target; undefined: not known this cycle (the last known value stays). */
interface TargetStatusFigures {
  invitesPerInterval: number;
  freeSlots: number | undefined;
  waiting: number | undefined;
  pendingInvitations: number | undefined;
  observedAbandonmentPercent: number | undefined;
  occupancyPercent: number | undefined;
}

/**
 * Lays `conditions`, what an object's status holds now as readRawObjectFields parsed it, over an entry's: they
 * replace those of the same type (the others, which the holder has not written yet, stay). Undefined (conditions
 * that do not parse) adopts nothing, so a damaged status changes nothing. Figures are not adopted: the cache keeps
 * none (trimPacingTargetStatus), and status writes are merge patches that leave out what the entry does not know,
 * so the predecessor's figures stay on the object until this instance's first cycle writes its own.
 */
function adoptConditions(entry: Entry, conditions: readonly Condition[] | undefined): void {
  if (conditions === undefined || conditions.length === 0) return;
  const adopted = new Set(conditions.map((c) => c.type));
  // concat, not spread: a spread list is grown push by push and keeps room for 17 (136 bytes more per target).
  entry.conditions = sharedStringPool.internAll(
    conditions.concat(entry.conditions.filter((c) => !adopted.has(c.type))),
  );
  entry.isStaleShown = isStale(findCondition(entry.conditions, 'Pacing'));
}

/**
 * The PacingCluster schema's default `statusUpdatePeriod`, ms: what an entry made on a gain has until its
 * reconcile, and what the reconcilers register an object with before a valid cluster spec gives its own.
 */
export const DEFAULT_STATUS_UPDATE_PERIOD_MS = 10_000;

/** A new entry, seeded with the conditions its object holds (first sight: the next update is written at once). */
function newEntry(
  ref: PacingObjectRef,
  generation: number,
  conditions: readonly Condition[] | undefined,
  statusUpdatePeriodMs: number,
): Entry {
  const seeded = conditions === undefined ? [] : conditions.slice();
  return {
    ref,
    generation,
    conditions: seeded,
    fields: {},
    statusUpdatePeriodMs,
    lastFiguresWriteMs: Number.NEGATIVE_INFINITY,
    isGenerationUnwritten: true,
    staleSinceMs: undefined,
    // What the object shows: leaving it is a change the user waits to see.
    isStaleShown: isStale(findCondition(seeded, 'Pacing')),
    isUrgentUnwritten: false,
  };
}

function blankTargetFigures(): TargetStatusFigures {
  return {
    invitesPerInterval: 0,
    freeSlots: undefined,
    waiting: undefined,
    pendingInvitations: undefined,
    observedAbandonmentPercent: undefined,
    occupancyPercent: undefined,
  };
}

/** Fills `fields` with the status figures of `target` (every field set, so nothing of the last target stays). */
function fillTargetFigures(
  fields: TargetStatusFigures,
  target: TargetOutcome,
): TargetStatusFigures & Record<string, unknown> {
  const figures = target.figures;
  fields.invitesPerInterval = target.invites;
  fields.freeSlots = figures && Math.max(0, Math.floor(figures.freeSlots));
  fields.waiting = figures && Math.max(0, Math.floor(figures.waiting));
  fields.pendingInvitations = figures && Math.max(0, Math.floor(pendingInvitationsOf(target) ?? 0));
  fields.observedAbandonmentPercent =
    figures?.abandonRatio === undefined ? undefined : clampPercent(figures.abandonRatio);
  fields.occupancyPercent = figures?.occupancy === undefined ? undefined : clampPercent(figures.occupancy);
  return fields as TargetStatusFigures & Record<string, unknown>;
}

function clampPercent(ratio: number): number {
  return Math.round(Math.min(100, Math.max(0, ratio * 100)) * 100) / 100;
}
