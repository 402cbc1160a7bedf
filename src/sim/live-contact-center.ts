import type { EngagementReportInput, StatsSnapshotInput } from '../pacing/index.js';
import { ContactCenter } from './contact-center.js';
import type { Scenario } from './scenario.js';

/** The statistics snapshot the reference statistics server serves (the wire shape of CONTRACTS.md). */
export type StatsSnapshot = StatsSnapshotInput;

/** One target's report in an engagement answer (the logical shape of CONTRACTS.md). */
export interface EngagementTargetReport extends EngagementReportInput {
  /** Set when the allowance could not be applied (an unknown target id). */
  readonly error?: { readonly code: string; readonly message: string };
}

/** One allowance cycle as the reference engagement server receives it. */
export interface AllowanceCycle {
  /** Monotonic cycle id of the publisher. */
  readonly cycleId: number;
  /** Identity of the publishing operator instance. */
  readonly publisher: string;
  /** Invitations allowed per target id for the interval. */
  readonly allowances: readonly { readonly id: string; readonly invites: number }[];
  /** The targets to report (unknown ids are left out); every target when absent. */
  readonly reportIds?: readonly string[] | undefined;
}

/** The simulator running in (scaled) wall-clock time behind the reference servers. */
export interface LiveContactCenter {
  /** Runs the simulation up to this time (epoch ms); earlier times are ignored. */
  advanceTo(nowMs: number): void;
  /** The statistics snapshot of the current simulated time (a stuck one during a scenario's statistics gap). */
  snapshot(): StatsSnapshot;
  /**
   * Sends the allowed invitations now (as many as leads allow) and reports the cycle's `reportIds` (every target
   * by default), plus an error for each allowance of an unknown target. A cycle id at or below
   * the last one applied for the same publisher is reported but not sent again, so a retried request never
   * doubles the invitations.
   */
  applyAllowances(cycle: AllowanceCycle): EngagementTargetReport[];
  /** Target ids `${virtualQueue}:${media}` of the scenario. */
  targetIds(): string[];
}

/**
 * Creates a live contact center from a scenario: virtual time 0 is `startMs`, there is no warm-up, and scenario
 * events happen `at` seconds after `startMs`. The same seed gives the same visitors.
 */
export function createLiveContactCenter(
  scenario: Scenario,
  seed: number,
  startMs: number,
): LiveContactCenter {
  const center = new ContactCenter(scenario, seed, {
    startSeconds: 0,
    epochMsAtZero: startMs,
    recordSeconds: 0,
  });
  const ids = center.targetIds();
  // Index by id: a cycle of 10,000 allowances must not search the id list once per allowance.
  const indexById = new Map(ids.map((id, t) => [id, t]));
  const lastCycleByPublisher = new Map<string, number>();
  return {
    advanceTo(nowMs) {
      const seconds = (nowMs - startMs) / 1000;
      if (seconds > center.nowSeconds) center.advanceTo(seconds);
    },
    snapshot: () => center.captureSnapshot(),
    applyAllowances(cycle) {
      const last = lastCycleByPublisher.get(cycle.publisher);
      const isNew = last === undefined || cycle.cycleId > last;
      const unknown: EngagementTargetReport[] = [];
      if (isNew) {
        lastCycleByPublisher.set(cycle.publisher, cycle.cycleId);
        for (const allowance of cycle.allowances) {
          const t = indexById.get(allowance.id);
          if (t !== undefined) center.sendInvites(t, allowance.invites);
        }
      }
      for (const allowance of cycle.allowances) {
        if (!indexById.has(allowance.id)) {
          unknown.push({
            id: allowance.id,
            pending: 0,
            sentTotal: 0,
            acceptedTotal: 0,
            declinedTotal: 0,
            expiredTotal: 0,
            error: {
              code: 'UNKNOWN_TARGET',
              message: `no target "${allowance.id}" in this engagement platform`,
            },
          });
        }
      }
      if (cycle.reportIds === undefined) return [...center.engagementReports(), ...unknown];
      const reports: EngagementTargetReport[] = [];
      for (const id of cycle.reportIds) {
        const t = indexById.get(id);
        if (t !== undefined) reports.push(center.engagementReportOf(t));
      }
      for (const report of unknown) reports.push(report);
      return reports;
    },
    targetIds: () => [...ids],
  };
}
