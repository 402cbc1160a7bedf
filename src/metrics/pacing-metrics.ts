import { Counter, Histogram, type Registry } from 'prom-client';
import { TargetFigureGauges } from './target-figure-gauges.js';

type ClusterLabel = 'namespace' | 'cluster';

/**
 * Splits a PacingCluster key `namespace/name` into the `namespace` and `cluster` labels, the same pair that
 * pacing_alarm_active carries, so that dashboards and alerts can join them.
 */
function clusterLabels(clusterKey: string): Record<ClusterLabel, string> {
  const slash = clusterKey.indexOf('/');
  return slash < 0
    ? { namespace: '', cluster: clusterKey }
    : { namespace: clusterKey.slice(0, slash), cluster: clusterKey.slice(slash + 1) };
}

/** Figures of one target after a cycle. */
export interface TargetFigures {
  /** Invitations the platform may send this interval. */
  invitesAllowed: number;
  /** Free agent slots counted for the target. */
  freeSlots: number;
  /** Invitations sent but not yet answered, as the platform reports. */
  pendingInvitations: number;
  /** Observed share of proactive interactions abandoned, 0–1; undefined when not yet known. */
  abandonmentRatio?: number | undefined;
  /** Share of agent capacity in use, 0–1; undefined when not yet known. */
  occupancyRatio?: number | undefined;
  /** Proactive interactions waiting in the virtual queue in the last snapshot; undefined when not known. */
  waitingInteractions?: number | undefined;
  /** The target's effective optimization goal as a ratio (goal percent ÷ 100); undefined when not known. */
  abandonmentGoalRatio?: number | undefined;
}

/** One exchange with the engagement platform. */
export interface EngagementRequestFigures {
  /** Round-trip time in seconds. */
  durationSeconds: number;
  /** `ok` or an error code such as `PACING_ERR_ENGAGEMENT_TIMEOUT`. */
  outcome: string;
  /** Bytes sent (compressed body). */
  requestBytes?: number | undefined;
  /** Bytes received (compressed body). */
  responseBytes?: number | undefined;
}

/**
 * The pacing-side metrics. Methods take the PacingCluster's key `namespace/name`; the series carry it as the two
 * labels `namespace` and `cluster` (the same convention as pacing_alarm_active), and `target` is the PacingTarget
 * name. Per-cycle numbers live here, not in status.
 */
export class PacingMetrics {
  /**
   * The per-target families pacing_invites_allowed, pacing_free_slots, pacing_pending_invitations,
   * pacing_abandonment_ratio, pacing_occupancy_ratio, pacing_waiting_interactions and
   * pacing_abandonment_goal_ratio, all {namespace,cluster,target}; rendered from each target's last figures.
   */
  readonly targetFigures: TargetFigureGauges<TargetFigures>;
  /** pacing_cycle_duration_seconds{namespace,cluster}. */
  readonly cycleDuration: Histogram<ClusterLabel>;
  /** pacing_cycles_skipped_total{namespace,cluster,reason}. */
  readonly cyclesSkipped: Counter<ClusterLabel | 'reason'>;
  /** pacing_engagement_request_duration_seconds{namespace,cluster,outcome}. */
  readonly engagementRequestDuration: Histogram<ClusterLabel | 'outcome'>;
  /** pacing_engagement_request_bytes{namespace,cluster,direction} (direction: request | response). */
  readonly engagementRequestBytes: Histogram<ClusterLabel | 'direction'>;
  /** pacing_stats_answer_bytes{namespace,cluster,form}: compressed statistics answers, by the form they came in. */
  readonly statsAnswerBytes: Histogram<ClusterLabel | 'form'>;
  /**
   * pacing_idle_gc_duration_seconds{reason}: full collections run between cycles, for the memory soft limit
   * (`memory`) or ahead of V8's own (`heap`).
   */
  readonly idleGcDuration: Histogram<'reason'>;

  /** Registers every metric on `registry`; throws if they are already registered there. */
  constructor(registry: Registry) {
    const registers = [registry];
    this.targetFigures = new TargetFigureGauges<TargetFigures>(
      registry,
      [
        {
          name: 'pacing_invites_allowed',
          help: 'Invitations allowed for the current interval.',
          valueOf: (f) => f.invitesAllowed,
        },
        {
          name: 'pacing_free_slots',
          help: 'Free agent slots counted for the target.',
          valueOf: (f) => f.freeSlots,
        },
        {
          name: 'pacing_pending_invitations',
          help: 'Invitations sent and not yet answered, as reported by the engagement platform.',
          valueOf: (f) => f.pendingInvitations,
        },
        {
          name: 'pacing_abandonment_ratio',
          help: 'Observed share (0-1) of proactive interactions abandoned before an agent joined.',
          valueOf: (f) => f.abandonmentRatio,
        },
        {
          name: 'pacing_occupancy_ratio',
          help: 'Share (0-1) of agent capacity in use.',
          valueOf: (f) => f.occupancyRatio,
        },
        {
          name: 'pacing_waiting_interactions',
          help: 'Proactive interactions waiting in the virtual queue in the last statistics snapshot.',
          valueOf: (f) => f.waitingInteractions,
        },
        {
          name: 'pacing_abandonment_goal_ratio',
          help: "The target's optimization goal (0-1): the most pacing_abandonment_ratio may be.",
          valueOf: (f) => f.abandonmentGoalRatio,
        },
      ],
      (clusterKey, target) => ({ ...clusterLabels(clusterKey), target }),
    );
    this.cycleDuration = new Histogram({
      name: 'pacing_cycle_duration_seconds',
      help: 'Duration of one pacing cycle (stats, decision, publish).',
      labelNames: ['namespace', 'cluster'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.cyclesSkipped = new Counter({
      name: 'pacing_cycles_skipped_total',
      help: 'Cycle slots skipped, by reason (Overrun, NotLeader).',
      labelNames: ['namespace', 'cluster', 'reason'],
      registers,
    });
    this.engagementRequestDuration = new Histogram({
      name: 'pacing_engagement_request_duration_seconds',
      help: 'Round-trip time of allowance exchanges with the engagement platform.',
      labelNames: ['namespace', 'cluster', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.engagementRequestBytes = new Histogram({
      name: 'pacing_engagement_request_bytes',
      help: 'Compressed body size of allowance exchanges, by direction (request, response).',
      labelNames: ['namespace', 'cluster', 'direction'],
      buckets: [256, 1024, 4096, 16384, 65536, 262144, 1048576],
      registers,
    });
    this.statsAnswerBytes = new Histogram({
      name: 'pacing_stats_answer_bytes',
      help: 'Compressed body size of statistics answers, by form (object, table, table-v2, table-v2-roster-held).',
      labelNames: ['namespace', 'cluster', 'form'],
      buckets: [4096, 16384, 65536, 262144, 1048576, 4194304, 16777216],
      registers,
    });
    this.idleGcDuration = new Histogram({
      name: 'pacing_idle_gc_duration_seconds',
      help: 'Full garbage collections run between cycles: reason="memory" when resident memory was above --memory-soft-limit-mib, reason="heap" when V8 would have run its own during the next cycle.',
      labelNames: ['reason'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
  }

  /** Sets a target's gauges; a ratio that is undefined has no series rather than showing a stale value. */
  recordTarget(clusterKey: string, target: string, figures: TargetFigures): void {
    this.targetFigures.set(clusterKey, target, figures);
  }

  /** Observes one cycle's duration. */
  recordCycle(clusterKey: string, durationSeconds: number): void {
    this.cycleDuration.observe(clusterLabels(clusterKey), durationSeconds);
  }

  /** Counts skipped cycle slots. */
  recordCyclesSkipped(clusterKey: string, reason: string, count: number): void {
    if (count > 0) this.cyclesSkipped.inc({ ...clusterLabels(clusterKey), reason }, count);
  }

  /** Observes one engagement exchange. */
  recordEngagementRequest(clusterKey: string, figures: EngagementRequestFigures): void {
    const cluster = clusterLabels(clusterKey);
    this.engagementRequestDuration.observe({ ...cluster, outcome: figures.outcome }, figures.durationSeconds);
    if (figures.requestBytes !== undefined) {
      this.engagementRequestBytes.observe({ ...cluster, direction: 'request' }, figures.requestBytes);
    }
    if (figures.responseBytes !== undefined) {
      this.engagementRequestBytes.observe({ ...cluster, direction: 'response' }, figures.responseBytes);
    }
  }

  /** Observes one statistics answer: its compressed size, labelled with the form it came in. */
  recordStatsAnswer(clusterKey: string, bytes: number, form: string): void {
    this.statsAnswerBytes.observe({ ...clusterLabels(clusterKey), form }, bytes);
  }

  /** Observes one collection the idle collector ran, labelled with why it ran (`memory` or `heap`). */
  recordIdleCollection(durationSeconds: number, reason: 'memory' | 'heap'): void {
    this.idleGcDuration.observe({ reason }, durationSeconds);
  }

  /** Removes a target's series (the target was deleted or left its cluster). */
  forgetTarget(clusterKey: string, target: string): void {
    this.targetFigures.remove(clusterKey, target);
  }

  /** Removes every series of a cluster whose worker stopped. */
  forgetCluster(clusterKey: string, targets: readonly string[]): void {
    for (const target of targets) this.forgetTarget(clusterKey, target);
    this.cycleDuration.remove(clusterLabels(clusterKey));
  }
}
