import type { PublicationRecord } from '../../../src/sim/reference-engagement-server.js';
import type { GroundTruth } from './chaos-world.js';

/** A (cycle id, target) the engagement platform received more than once: each is a double publication. */
export interface DoublePublication {
  readonly cycleId: number;
  readonly targetId: string;
  readonly publishers: readonly string[];
}

/**
 * Every (cycle id, target) published more than once, by different instances or in different chunks. The server
 * records a chunk once per (cluster, cycle, part, publisher) and answers retries from cache, so a record is one
 * application of allowances: two records for one (cycle, target) mean the platform applied that cycle twice.
 */
export function findDoublePublications(records: readonly PublicationRecord[]): DoublePublication[] {
  const seen = new Map<string, string[]>();
  for (const record of records) {
    for (const targetId of record.targetIds) {
      const key = JSON.stringify([record.cycleId, targetId]);
      seen.set(key, [...(seen.get(key) ?? []), record.publisher]);
    }
  }
  return [...seen]
    .filter(([, publishers]) => publishers.length > 1)
    .map(([key, publishers]) => {
      const [cycleId, targetId] = JSON.parse(key) as [number, string];
      return { cycleId, targetId, publishers };
    });
}

/** A chunk the platform refused, wholly or partly, because a newer fencing token was applied for its targets. */
export interface FencedPublication {
  readonly publisher: string;
  readonly cycleId: number;
  readonly fence: string | undefined;
  readonly receivedAtMs: number;
  readonly refusedTargetIds: readonly string[];
}

/**
 * Every publication the platform refused for a stale fencing token. Only a replica that lost the Lease while its
 * publish was on the way may appear here: a refusal of the current leader means its token went backwards.
 */
export function findFencedPublications(records: readonly PublicationRecord[]): FencedPublication[] {
  return records
    .filter((r) => r.refusedTargetIds.length > 0)
    .map((r) => ({
      publisher: r.publisher,
      cycleId: r.cycleId,
      fence: r.fence,
      receivedAtMs: r.receivedAtMs,
      refusedTargetIds: r.refusedTargetIds,
    }));
}

/** The longest stretch without a publication of one target inside a window, and where it was. */
export interface OwnershipGap {
  readonly targetId: string;
  readonly gapMs: number;
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * For each target, the longest interval in [fromMs, toMs] during which the platform received no allowance for it
 * (the window edges count as boundaries, so a target never published again shows the whole tail as its gap).
 */
export function longestOwnershipGaps(
  records: readonly PublicationRecord[],
  targetIds: readonly string[],
  fromMs: number,
  toMs: number,
): OwnershipGap[] {
  return targetIds.map((targetId) => {
    const times = records
      .filter((r) => r.targetIds.includes(targetId) && r.receivedAtMs >= fromMs && r.receivedAtMs <= toMs)
      .map((r) => r.receivedAtMs)
      .sort((a, b) => a - b);
    const points = [fromMs, ...times, toMs];
    let best: OwnershipGap = { targetId, gapMs: 0, fromMs, toMs: fromMs };
    for (let i = 1; i < points.length; i += 1) {
      const gapMs = points[i]! - points[i - 1]!;
      if (gapMs > best.gapMs) best = { targetId, gapMs, fromMs: points[i - 1]!, toMs: points[i]! };
    }
    return best;
  });
}

/** What one saved learned state says about one target's cumulative counts (see {@link accountingOf}). */
export interface TargetAccounting {
  readonly targetId: string;
  /** Snapshot time of the statistics counters the operator last read. */
  readonly statsTimeMs: number;
  /** The statistics source's cumulative counters the operator last read: accepted, abandoned. */
  readonly readAccepted: number;
  readonly readAbandoned: number;
  /** What the operator counted since its state was created: accepted, abandoned. */
  readonly countedAccepted: number;
  readonly countedAbandoned: number;
}

/** The learned-state ConfigMap's `state.json`, as far as the accounting check needs it. */
export interface SavedStateView {
  readonly savedAtMs: number;
  readonly lastCycleId: number;
  readonly targets: Readonly<
    Record<
      string,
      {
        pacing?: { estimators?: { acceptedTotal?: number; abandonedTotal?: number } };
        counters?: { statsTimeMs?: number; stats?: readonly number[] | null };
      }
    >
  >;
}

/** Reads the per-target counts out of a saved state; targets without statistics counters yet are left out. */
export function accountingOf(state: SavedStateView): TargetAccounting[] {
  return Object.entries(state.targets).flatMap(([targetId, entry]) => {
    const stats = entry.counters?.stats;
    const estimators = entry.pacing?.estimators;
    if (!stats || estimators?.acceptedTotal === undefined || estimators.abandonedTotal === undefined)
      return [];
    return [
      {
        targetId,
        statsTimeMs: entry.counters?.statsTimeMs ?? 0,
        readAccepted: stats[0]!,
        readAbandoned: stats[1]!,
        countedAccepted: estimators.acceptedTotal,
        countedAbandoned: estimators.abandonedTotal,
      },
    ];
  });
}

/** The part of the source's counters the operator never counted: what it had before its first reading. */
export interface AccountingBaseline {
  readonly accepted: number;
  readonly abandoned: number;
}

/**
 * "Nothing lost", precisely: the operator's first reading of a cumulative counter yields no delta, every later
 * reading adds the increase since the previous one, and the counter memory travels with the learned state to the
 * next leader. So, for every saved state, `read − counted` must equal the same baseline (the source's counters at
 * the operator's very first reading): a leader that cold-started, lost the counter memory or double-counted a
 * stretch shifts it. And `read` must be exactly what the source served at `statsTimeMs` (nothing invented).
 */
export function accountingProblems(
  accounting: readonly TargetAccounting[],
  baseline: ReadonlyMap<string, AccountingBaseline>,
  truth: GroundTruth,
): string[] {
  return accounting.flatMap((a) => {
    const problems: string[] = [];
    const base = baseline.get(a.targetId);
    if (!base) return [`${a.targetId}: no baseline recorded before the fault`];
    if (a.readAccepted - a.countedAccepted !== base.accepted)
      problems.push(
        `${a.targetId}: accepted read ${a.readAccepted} − counted ${a.countedAccepted} ≠ baseline ${base.accepted}`,
      );
    if (a.readAbandoned - a.countedAbandoned !== base.abandoned)
      problems.push(
        `${a.targetId}: abandoned read ${a.readAbandoned} − counted ${a.countedAbandoned} ≠ baseline ${base.abandoned}`,
      );
    const served = truth.at(a.statsTimeMs, a.targetId);
    if (!served) problems.push(`${a.targetId}: no snapshot was served with time ${a.statsTimeMs}`);
    else if (served.accepted !== a.readAccepted || served.abandoned !== a.readAbandoned)
      problems.push(
        `${a.targetId}: read ${a.readAccepted}/${a.readAbandoned} but the source served ` +
          `${served.accepted}/${served.abandoned} at ${a.statsTimeMs}`,
      );
    return problems;
  });
}
