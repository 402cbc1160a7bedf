import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const targetLabels = ['cluster', 'target'] as const;
type TargetLabel = (typeof targetLabels)[number];

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
 * The pacing-side metrics. Labels: `cluster` is the PacingCluster's `namespace/name`, `target` the PacingTarget
 * name (the same convention as pacing_alarm_active). Per-cycle numbers live here, not in status.
 */
export class PacingMetrics {
  /** pacing_invites_allowed{cluster,target}. */
  readonly invitesAllowed: Gauge<TargetLabel>;
  /** pacing_free_slots{cluster,target}. */
  readonly freeSlots: Gauge<TargetLabel>;
  /** pacing_pending_invitations{cluster,target}. */
  readonly pendingInvitations: Gauge<TargetLabel>;
  /** pacing_abandonment_ratio{cluster,target}. */
  readonly abandonmentRatio: Gauge<TargetLabel>;
  /** pacing_occupancy_ratio{cluster,target}. */
  readonly occupancyRatio: Gauge<TargetLabel>;
  /** pacing_cycle_duration_seconds{cluster}. */
  readonly cycleDuration: Histogram<'cluster'>;
  /** pacing_cycles_skipped_total{cluster,reason}. */
  readonly cyclesSkipped: Counter<'cluster' | 'reason'>;
  /** pacing_engagement_request_duration_seconds{cluster,outcome}. */
  readonly engagementRequestDuration: Histogram<'cluster' | 'outcome'>;
  /** pacing_engagement_request_bytes{cluster,direction} (direction: request | response). */
  readonly engagementRequestBytes: Histogram<'cluster' | 'direction'>;

  /** Registers every metric on `registry`; throws if they are already registered there. */
  constructor(registry: Registry) {
    const registers = [registry];
    const gauge = (name: string, help: string) =>
      new Gauge<TargetLabel>({ name, help, labelNames: [...targetLabels], registers });
    this.invitesAllowed = gauge('pacing_invites_allowed', 'Invitations allowed for the current interval.');
    this.freeSlots = gauge('pacing_free_slots', 'Free agent slots counted for the target.');
    this.pendingInvitations = gauge(
      'pacing_pending_invitations',
      'Invitations sent and not yet answered, as reported by the engagement platform.',
    );
    this.abandonmentRatio = gauge(
      'pacing_abandonment_ratio',
      'Observed share (0-1) of proactive interactions abandoned before an agent joined.',
    );
    this.occupancyRatio = gauge('pacing_occupancy_ratio', 'Share (0-1) of agent capacity in use.');
    this.cycleDuration = new Histogram({
      name: 'pacing_cycle_duration_seconds',
      help: 'Duration of one pacing cycle (stats, decision, publish).',
      labelNames: ['cluster'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.cyclesSkipped = new Counter({
      name: 'pacing_cycles_skipped_total',
      help: 'Cycle slots skipped, by reason (Overrun, NotLeader).',
      labelNames: ['cluster', 'reason'],
      registers,
    });
    this.engagementRequestDuration = new Histogram({
      name: 'pacing_engagement_request_duration_seconds',
      help: 'Round-trip time of allowance exchanges with the engagement platform.',
      labelNames: ['cluster', 'outcome'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.engagementRequestBytes = new Histogram({
      name: 'pacing_engagement_request_bytes',
      help: 'Compressed body size of allowance exchanges, by direction (request, response).',
      labelNames: ['cluster', 'direction'],
      buckets: [256, 1024, 4096, 16384, 65536, 262144, 1048576],
      registers,
    });
  }

  /** Sets a target's gauges; a ratio that is undefined removes its series rather than showing a stale value. */
  recordTarget(cluster: string, target: string, figures: TargetFigures): void {
    const labels = { cluster, target };
    this.invitesAllowed.set(labels, figures.invitesAllowed);
    this.freeSlots.set(labels, figures.freeSlots);
    this.pendingInvitations.set(labels, figures.pendingInvitations);
    setOrRemove(this.abandonmentRatio, labels, figures.abandonmentRatio);
    setOrRemove(this.occupancyRatio, labels, figures.occupancyRatio);
  }

  /** Observes one cycle's duration. */
  recordCycle(cluster: string, durationSeconds: number): void {
    this.cycleDuration.observe({ cluster }, durationSeconds);
  }

  /** Counts skipped cycle slots. */
  recordCyclesSkipped(cluster: string, reason: string, count: number): void {
    if (count > 0) this.cyclesSkipped.inc({ cluster, reason }, count);
  }

  /** Observes one engagement exchange. */
  recordEngagementRequest(cluster: string, figures: EngagementRequestFigures): void {
    this.engagementRequestDuration.observe({ cluster, outcome: figures.outcome }, figures.durationSeconds);
    if (figures.requestBytes !== undefined) {
      this.engagementRequestBytes.observe({ cluster, direction: 'request' }, figures.requestBytes);
    }
    if (figures.responseBytes !== undefined) {
      this.engagementRequestBytes.observe({ cluster, direction: 'response' }, figures.responseBytes);
    }
  }

  /** Removes a target's series (the target was deleted or left its cluster). */
  forgetTarget(cluster: string, target: string): void {
    const labels = { cluster, target };
    for (const gauge of this.#targetGauges()) gauge.remove(labels);
  }

  /** Removes every series of a cluster whose worker stopped. */
  forgetCluster(cluster: string, targets: readonly string[]): void {
    for (const target of targets) this.forgetTarget(cluster, target);
    this.cycleDuration.remove({ cluster });
  }

  #targetGauges(): Gauge<TargetLabel>[] {
    return [
      this.invitesAllowed,
      this.freeSlots,
      this.pendingInvitations,
      this.abandonmentRatio,
      this.occupancyRatio,
    ];
  }
}

function setOrRemove(
  gauge: Gauge<TargetLabel>,
  labels: Record<TargetLabel, string>,
  value: number | undefined,
): void {
  if (value === undefined || !Number.isFinite(value)) gauge.remove(labels);
  else gauge.set(labels, value);
}
