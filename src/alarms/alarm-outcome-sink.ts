import type { AlarmManager, CodedError } from './alarm-manager.js';
import type { AlarmSubject } from './alarm-subject.js';
import { recordEngagementOutcome } from './engagement-outcome-alarms.js';
import { observeRuntimeAlarms, type RuntimeAlarmThresholds } from './runtime-alarms.js';
import type { RuntimeSample } from './runtime-monitor.js';

/**
 * The parts of the engine's per-cycle outcome the alarms read (structural: the engine's `CycleOutcome` fits
 * without this room importing the engine). Keys are `namespace/name`.
 */
export interface AlarmCycleOutcome {
  readonly clusterKey: string;
  readonly startedAtMs: number;
  readonly durationMs: number;
  /** False when nothing went out (not leading, lease lost): nothing is learnt about the platform then. */
  readonly isPublished: boolean;
  readonly engagement: {
    readonly isHealthy: boolean;
    /** `Exchanged` when an answer was used; other values when nothing was exchanged or it failed. */
    readonly reason: string;
    readonly message: string;
    /** The engagement error's stable code when the exchange failed (e.g. `PACING_ERR_ENGAGEMENT_VALIDATION`). */
    readonly errorCode?: string | undefined;
  };
  readonly targets: readonly {
    readonly key: string;
    /** `EngagementRejected` when the answer carried an error for this target. */
    readonly reason: string;
    readonly message: string;
  }[];
  /** Sharded: whether the outcome speaks for a target by its `namespace/name` key (see the engine's CycleOutcome). */
  readonly speaksFor?: ((targetKey: string) => boolean) | undefined;
}

/** A cluster's alarm settings: its spec's thresholds and `alarms.detectAfter` in ms. */
export interface ClusterAlarmSettings {
  readonly thresholds: RuntimeAlarmThresholds;
  readonly detectAfterMs?: number;
}

/** Construction options of {@link AlarmOutcomeSink}. */
export interface AlarmOutcomeSinkOptions {
  readonly manager: AlarmManager;
  /** The cluster's settings by `namespace/name`; undefined skips the runtime alarms for that cluster. */
  readonly settingsFor: (clusterKey: string) => ClusterAlarmSettings | undefined;
  /** The process's runtime figures (a started {@link RuntimeMonitor}); absent: no runtime alarms. */
  readonly runtime?: { sample(): RuntimeSample };
  /** The caller's clock, for cancellations when a worker stops. */
  readonly nowMs: () => number;
}

/**
 * Feeds the alarms from the engine's cycle outcomes, so the engine needs no alarm logic of its own: each
 * published cycle observes the engagement alarms of its cluster and targets, and samples the runtime alarms
 * against that cluster's thresholds. When a worker stops (cluster deleted, lease lost) its alarms cancel at once.
 * Implements the engine's `CycleOutcomeSink` structurally; never throws on an outcome it cannot use.
 */
export class AlarmOutcomeSink {
  readonly #options: AlarmOutcomeSinkOptions;

  /** Keeps the options; starts nothing. */
  constructor(options: AlarmOutcomeSinkOptions) {
    this.#options = options;
  }

  /** Observes the alarms one completed cycle tells about. */
  cycleCompleted(outcome: AlarmCycleOutcome): void {
    const cluster = parseKey(outcome.clusterKey);
    if (!cluster || !outcome.isPublished) return;
    const nowMs = outcome.startedAtMs + outcome.durationMs;
    const settings = this.#options.settingsFor(outcome.clusterKey);
    const timing =
      settings?.detectAfterMs === undefined
        ? undefined
        : { detectAfterMs: settings.detectAfterMs, cancelAfterMs: settings.detectAfterMs };
    const engagement = outcome.engagement;
    if (!engagement.isHealthy) {
      // Without a code the failure is taken as a failed request: nothing usable came back.
      const error = {
        code: engagement.errorCode ?? 'PACING_ERR_ENGAGEMENT_REQUEST_FAILED',
        message: engagement.message,
      };
      recordEngagementOutcome(
        this.#options.manager,
        cluster,
        { error, targets: [], targetErrors: new Map() },
        nowMs,
        timing,
      );
    } else if (engagement.reason === 'Exchanged') {
      const targets: string[] = [];
      const targetErrors = new Map<string, CodedError>();
      for (const target of outcome.targets) {
        const name = parseKey(target.key)?.cluster;
        if (!name) continue;
        targets.push(name);
        if (target.reason === 'EngagementRejected') {
          targetErrors.set(name, { code: 'PACING_ERR_ENGAGEMENT_TARGET', message: target.message });
        }
      }
      recordEngagementOutcome(this.#options.manager, cluster, { targets, targetErrors }, nowMs, timing);
      // A target that left the cluster (deleted, moved) is no longer observed; its alarms would never cancel.
      // Sharded, only among the targets this cycle speaks for: the other held shards have cycles of their own.
      const paced = new Set(targets);
      const speaksFor = outcome.speaksFor;
      this.#options.manager.forget(
        (s) =>
          sameCluster(s, cluster) &&
          s.target !== undefined &&
          !paced.has(s.target) &&
          (speaksFor === undefined || speaksFor(`${s.namespace}/${s.target}`)),
        nowMs,
        'the PacingTarget is no longer paced by this cluster',
      );
    }
    const sample = this.#options.runtime?.sample();
    if (sample && settings) {
      observeRuntimeAlarms(
        this.#options.manager,
        cluster,
        sample,
        settings.thresholds,
        nowMs,
        settings.detectAfterMs,
      );
    }
  }

  /** Skipped cycles raise no alarm here (Prometheus alerts on pacing_cycles_skipped_total). */
  cyclesSkipped(): void {}

  /** Cancels every alarm of the cluster and its targets: this replica no longer watches them. */
  workerStopped(clusterKey: string): void {
    const cluster = parseKey(clusterKey);
    if (!cluster) return;
    this.#options.manager.forget(
      (s) => sameCluster(s, cluster),
      this.#options.nowMs(),
      'the pacing worker of this cluster stopped on this replica',
    );
  }
}

/** `namespace/name` → the two parts; undefined for a key without a slash (never produced by the engine). */
function parseKey(key: string): Pick<AlarmSubject, 'namespace' | 'cluster'> | undefined {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1) return undefined;
  return { namespace: key.slice(0, slash), cluster: key.slice(slash + 1) };
}

function sameCluster(subject: AlarmSubject, cluster: Pick<AlarmSubject, 'namespace' | 'cluster'>): boolean {
  return subject.namespace === cluster.namespace && subject.cluster === cluster.cluster;
}
