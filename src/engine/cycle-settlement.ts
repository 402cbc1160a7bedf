import { STALE_FENCE_CODE } from '../api/protocol/index.js';
import type { ClusterConfig } from './cluster-config.js';
import type { CycleOutcome, InputHealth, TargetOutcome } from './cycle-outcome.js';
import type { CycleVerdicts } from './cycle-verdicts.js';
import type { AllowanceAnswer, EngagementTargetReport } from './engagement-exchange.js';
import type { LearnedState } from './learned-state.js';
import type { CycleInput, CyclePorts, CycleResult } from './pacing-cycle.js';
import { reportsById } from './pacing-decider.js';
import type { TargetConfig } from './target-config.js';

/** What an outcome keeps of a statistics reading. */
export interface StatsHealth {
  readonly health: InputHealth;
  readonly ageMs?: number | undefined;
}

/** What one cycle has gathered by the time its exchange ends. */
export interface CycleRun {
  readonly input: CycleInput;
  readonly ports: CyclePorts;
  readonly marks: CycleMarks;
  readonly stats: StatsHealth;
}

/** The targets a cycle published: in order, where each sits among the cycle's targets, and those lost before. */
export interface Publication {
  readonly publishable: readonly TargetConfig[];
  readonly at: readonly number[];
  readonly lost: readonly TargetOutcome[];
}

/** How the exchange ended: the platform's answer, or why there was none. */
export type ExchangeResult = { readonly answer: AllowanceAnswer } | { readonly error: unknown };

/**
 * The result of a cycle whose allowances went to the platform: published with the platform's reports; not
 * published when the platform refused every target's stale fencing token; published but unanswered when the
 * exchange failed (the policy saw no effect of its decision, so its learned state does not advance then).
 */
export function settlePublication(
  run: CycleRun,
  publication: Publication,
  verdicts: CycleVerdicts,
  learnedState: LearnedState,
  exchanged: ExchangeResult,
): CycleResult {
  const { input, ports, marks, stats } = run;
  const { publishable, at, lost } = publication;
  if ('error' in exchanged) {
    const message = `engagement exchange failed: ${describe(exchanged.error)}`;
    const outcomes = publishable.map((_, p) => verdicts.zeroOf(at[p]!, 'EngagementUnreachable', message));
    for (const outcome of lost) outcomes.push(outcome);
    const health: InputHealth = {
      isHealthy: false,
      reason: 'Unreachable',
      message,
      errorCode: codeOf(exchanged.error),
    };
    return {
      outcome: finish(input, ports, marks, true, stats, health, outcomes),
      learnedState: input.learnedState,
      reports: input.reports,
    };
  }
  const { answer } = exchanged;
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
}

/** The message of a cycle whose policy threw. */
export function policyFailed(cluster: ClusterConfig, error: unknown): string {
  return `the ${cluster.policy} policy failed: ${describe(error)}`;
}

/**
 * The reports to carry on: the previous ones with this answer's good reports laid over them. A target in error
 * may come back without counters; keeping its last good report means the next good one yields the true delta
 * instead of everything since the platform started.
 */
export function withGoodReports(
  previous: ReadonlyMap<string, EngagementTargetReport>,
  answered: readonly EngagementTargetReport[],
): ReadonlyMap<string, EngagementTargetReport> {
  // Copied with forEach: the Map constructor would allocate an entry pair per report.
  const merged = new Map<string, EngagementTargetReport>();
  previous.forEach((report, id) => merged.set(id, report));
  for (const report of answered) if (report.error === undefined) merged.set(report.id, report);
  return merged;
}

export function notPublished(reason: string): InputHealth {
  return { isHealthy: true, reason, message: 'nothing was published this cycle' };
}

/** When the cycle started and when its statistics and decision phases ended. */
export interface CycleMarks {
  readonly startedAtMs: number;
  readonly statsReadAtMs: number;
  readonly decidedAtMs: number;
}

export function finish(
  input: CycleInput,
  ports: CyclePorts,
  marks: CycleMarks,
  isPublished: boolean,
  stats: StatsHealth,
  engagement: InputHealth,
  targets: readonly TargetOutcome[],
): CycleOutcome {
  const endedAtMs = ports.clock.nowMs();
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
    isPublished,
    stats: { ...stats.health, ageMs: stats.ageMs },
    engagement,
    targets,
    ...(ports.fence.shards === undefined ? {} : { clusterTargetCount: input.targets.length }),
    ...(input.onlyShards === undefined ? {} : { isCatchUp: true }),
  };
}

export function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
