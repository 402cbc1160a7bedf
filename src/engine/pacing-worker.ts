import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import { findClusterConfigProblem, type ClusterConfig } from './cluster-config.js';
import type { CycleOutcome, CycleOutcomeSink } from './cycle-outcome.js';
import {
  currentSlotStartMs,
  cycleIdOf,
  nextSlotStartMs,
  shardPhaseMs,
  skippedSlotCount,
} from './cycle-slots.js';
import type { EngagementExchange, EngagementTargetReport } from './engagement-exchange.js';
import { EngineConfigError } from './errors.js';
import type { LeaseFence, ShardFence } from './lease-fence.js';
import type { LearnedState, LearnedStateStore } from './learned-state.js';
import type { CycleGate } from './cycle-gate.js';
import type { PacingDecider } from './pacing-decider.js';
import { runPacingCycle } from './pacing-cycle.js';
import type { StatsSource } from './stats-source.js';
import type { TargetConfig } from './target-config.js';

/**
 * How long a worker keeps the learned state of a shard it stopped holding, for a Lease taken back from nobody. Such
 * a take-back follows a missed renewal within the Lease duration (seconds) when other replicas are alive; after a
 * longer lapse the saved state is read instead, as on any gain.
 */
const LAPSED_STATE_KEEP_MS = 120_000;

/** Everything a worker talks to, injected so unit tests run it on fakes and a fake clock. */
export interface PacingWorkerPorts {
  /** Statistics source of this cluster. */
  readonly stats: StatsSource;
  /** Engagement platform of this cluster. */
  readonly engagement: EngagementExchange;
  /** Pure pacing code. */
  readonly decider: PacingDecider;
  /** Lease check; cycles run only while it holds. */
  readonly fence: LeaseFence;
  /** Time. */
  readonly clock: Clock;
  /** Identity of this instance. */
  readonly publisher: string;
  /** Where learned state lives between leaders; undefined keeps it in memory only. */
  readonly stateStore?: LearnedStateStore | undefined;
  /** Outcome consumers (metrics, status, alarms). */
  readonly sink: CycleOutcomeSink;
  /** Logger with the `cluster` field bound. */
  readonly logger: Logger;
  /** Told when each cycle starts and ends (status writes hold back meanwhile); none by default. */
  readonly cycleGate?: CycleGate | undefined;
  /** Releases what the ports hold (connection pools); called once after the worker stopped. */
  readonly close?: (() => Promise<void>) | undefined;
}

/** Read-only view of a worker, for status and tests. */
export interface PacingWorkerView {
  /** Current configuration. */
  readonly config: ClusterConfig;
  /** Current targets. */
  readonly targets: readonly TargetConfig[];
  /** True once this worker loaded (or cold-started) its learned state as leader. */
  readonly isLeading: boolean;
  /** Last cycle id published. */
  readonly lastCycleId: number;
}

/**
 * The pacing worker of one PacingCluster: runs a cycle at every slot of its refresh period while this instance
 * holds the lease (sharded: a cycle per held shard, each shard at its own point of the period), never two at
 * once (a cycle that overruns makes the worker skip the slots it covered, and counts them), persists learned
 * state at most every `stateSaveIntervalMs`, and reloads it when it becomes leader so a handover continues
 * instead of cold-starting.
 */
export class PacingWorker {
  readonly #ports: PacingWorkerPorts;
  readonly #stop = new AbortController();
  #config: ClusterConfig;
  #targets: readonly TargetConfig[];
  #wake = new AbortController();
  #loop: Promise<void> | undefined;
  #learnedState: LearnedState = {};
  #reports: ReadonlyMap<string, EngagementTargetReport> = new Map();
  #lastCycleId = 0;
  #lastSlotMs: number | undefined;
  /** The slot of the last cycle this worker ran (its slots visited as a standby do not count; sharded: any shard's). */
  #lastRunSlotMs = Number.NEGATIVE_INFINITY;
  #startedAtMs = Number.POSITIVE_INFINITY;
  #isLeading = false;
  #lastSavedAtMs = Number.NEGATIVE_INFINITY;
  /** Sharded: per held shard, the slot of the last cycle this worker ran for it, to count the slots it missed. */
  readonly #lastRunSlotByShard = new Map<number, number>();
  /** Sharded: per held shard, when this worker first saw it held in the current stretch of holding it. */
  readonly #heldSeenAtByShard = new Map<number, number>();
  /** Sharded: the learned state of each held shard, with only that shard's targets. */
  readonly #shardStates = new Map<number, LearnedState>();
  /**
   * Sharded: the shards whose saved state this worker loaded since it last gained them, each with the
   * exclusive-since time of the hold it loaded it in (a new hold, even unnoticed, loads again).
   */
  readonly #loadedShards = new Map<number, number | undefined>();
  /**
   * Sharded: the learned state of each shard this worker stopped holding, and when, kept in case its Lease is
   * taken back from nobody (then it is newer than any save). Dropped at the next gain, or after
   * {@link LAPSED_STATE_KEEP_MS}.
   */
  readonly #lapsedShardStates = new Map<
    number,
    { readonly state: LearnedState; readonly lostAtMs: number }
  >();
  #isStateDirty = false;
  readonly #lastHealthReasons = new Map<'stats' | 'engagement', string>();

  constructor(config: ClusterConfig, targets: readonly TargetConfig[], ports: PacingWorkerPorts) {
    assertConfig(config);
    this.#config = config;
    this.#targets = targets;
    this.#ports = ports;
  }

  /** Starts the cycle loop; calling it twice has no effect. */
  start(): void {
    if (this.#loop !== undefined) return;
    this.#startedAtMs = this.#ports.clock.nowMs();
    const shards = this.#ports.fence.shards;
    const loop = shards === undefined ? this.#runUnsharded() : this.#runSharded(shards);
    this.#loop = loop.catch((error: unknown) => {
      // runPacingCycle never throws; reaching this is a bug, logged rather than crashing the process.
      this.#ports.logger.error({ err: error }, 'pacing worker loop failed');
    });
  }

  /** Replaces the configuration; a new refresh period applies from the next slot. Throws on invalid config. */
  reconfigure(config: ClusterConfig): void {
    assertConfig(config);
    const isPolicyChanged = config.policy !== this.#config.policy;
    this.#config = config;
    if (isPolicyChanged) {
      this.#learnedState = {};
      this.#shardStates.clear();
      this.#lapsedShardStates.clear();
    }
    this.#wakeUp();
  }

  /** Tells the worker this instance just gained the lease (or a shard): it may run the slot under way. */
  leadershipGained(): void {
    this.#wakeUp();
  }

  /** Replaces the set of targets; applies from the next cycle. */
  setTargets(targets: readonly TargetConfig[]): void {
    this.#targets = targets;
  }

  /** A snapshot of the worker's state. */
  get view(): PacingWorkerView {
    return {
      config: this.#config,
      targets: this.#targets,
      isLeading: this.#isLeading,
      lastCycleId: this.#lastCycleId,
    };
  }

  /** Stops cycles (aborting a running one), saves learned state if leading, and resolves when done. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#wake.abort();
    await this.#loop;
    const canSave = this.#isLeading && this.#ports.fence.holdsValidLease(this.#ports.clock.nowMs());
    if (canSave && this.#isStateDirty) await this.#saveState(AbortSignal.timeout(2000));
    this.#ports.sink.workerStopped?.(
      this.#config.key,
      this.#targets.map((t) => t.key),
    );
    await this.#ports.close?.().catch((error: unknown) => {
      this.#ports.logger.warn({ err: error }, 'pacing worker ports did not close cleanly');
    });
  }

  async #runUnsharded(): Promise<void> {
    const { clock, fence, sink, logger } = this.#ports;
    const stopSignal = this.#stop.signal;
    while (!stopSignal.aborted) {
      const periodMs = this.#config.refreshPeriodMs;
      const slotMs = this.#nextSlotMs(clock.nowMs(), periodMs);
      await clock.sleep(slotMs - clock.nowMs(), AbortSignal.any([stopSignal, this.#wake.signal]));
      if (stopSignal.aborted) break;
      if (this.#wake.signal.aborted) {
        this.#wake = new AbortController();
        continue;
      }
      this.#lastSlotMs = slotMs;

      if (!fence.holdsValidLease(clock.nowMs())) {
        if (this.#isLeading) logger.info('pacing worker lost leadership; cycles paused');
        this.#isLeading = false;
        sink.cyclesSkipped(this.#config.key, 1, 'NotLeader');
        continue;
      }
      if (!this.#isLeading) {
        // Taken back from nobody: the state this worker kept is newer than its last save (up to a save interval
        // old, and slow to read from a busy API server, which is when renewals are missed).
        if (fence.isResumedHold?.() === true) logger.info('lease taken back from nobody; learned state kept');
        else await this.#loadState(stopSignal);
        this.#isLeading = true;
      }
      this.#lastRunSlotMs = slotMs;
      await this.#runOneCycle(slotMs, stopSignal);
      const nextMs = nextSlotStartMs(clock.nowMs(), this.#config.refreshPeriodMs, slotMs);
      const skipped = skippedSlotCount(slotMs, nextMs, this.#config.refreshPeriodMs);
      if (skipped > 0 && !stopSignal.aborted) sink.cyclesSkipped(this.#config.key, skipped, 'Overrun');
      await this.#saveIfDue(stopSignal);
    }
  }

  /**
   * Unsharded: the next slot to run: normally the next grid point. A standby that just took over runs the slot
   * under way at once when the lease proves nobody else can have published it (its exclusive-since time is not
   * after the slot's start) and this worker already existed when the slot began (so no earlier worker of this
   * process ran it): that saves up to one refresh period in a handover.
   */
  #nextSlotMs(nowMs: number, periodMs: number): number {
    const { fence } = this.#ports;
    const currentMs = currentSlotStartMs(nowMs, periodMs);
    const mayRunCurrent =
      !this.#isLeading &&
      currentMs > this.#lastRunSlotMs &&
      currentMs >= this.#startedAtMs &&
      fence.holdsValidLease(nowMs) &&
      (fence.exclusiveSinceMs?.() ?? Number.POSITIVE_INFINITY) <= currentMs;
    return mayRunCurrent ? currentMs : nextSlotStartMs(nowMs, periodMs, this.#lastSlotMs);
  }

  /**
   * Sharded: each shard is paced in cycles of its own, on its own grid (see {@link shardPhaseMs}), whoever holds
   * it: a shard's targets are always paced at the same points of the period, so a handover never paces one twice
   * for one interval, and replicas holding different shards take turns at the statistics source and the platform
   * instead of all asking at once. A cycle paces one shard; when several are due, the earliest slot goes first.
   */
  async #runSharded(shards: ShardFence): Promise<void> {
    const { clock, fence, sink, logger } = this.#ports;
    const stopSignal = this.#stop.signal;
    while (!stopSignal.aborted) {
      const periodMs = this.#config.refreshPeriodMs;
      const nowMs = clock.nowMs();
      this.#noteHeldShards(shards, nowMs);
      const due = this.#dueShard(shards, nowMs, periodMs);
      if (due !== undefined) {
        this.#isLeading = true;
        await this.#loadGainedShards(shards, stopSignal);
        const previousMs = this.#lastRunSlotByShard.get(due.shard);
        this.#lastRunSlotByShard.set(due.shard, due.slotMs);
        this.#lastRunSlotMs = Math.max(this.#lastRunSlotMs, due.slotMs);
        const skipped = previousMs === undefined ? 0 : skippedSlotCount(previousMs, due.slotMs, periodMs);
        if (skipped > 0) sink.cyclesSkipped(this.#config.key, skipped, 'Overrun');
        await this.#runOneCycle(due.slotMs, stopSignal, due.shard);
        await this.#saveIfDue(stopSignal);
        continue;
      }
      // Every shard's slots wake the loop, held or not: a shard is seen lost or held within a third of a period.
      const wakeAtMs = Math.min(
        ...Array.from({ length: shards.count }, (_, shard) => {
          const phaseMs = shardPhaseMs(shard, shards.count, periodMs);
          return currentSlotStartMs(nowMs, periodMs, phaseMs) + periodMs;
        }),
      );
      await clock.sleep(wakeAtMs - nowMs, AbortSignal.any([stopSignal, this.#wake.signal]));
      if (stopSignal.aborted) break;
      if (this.#wake.signal.aborted) {
        this.#wake = new AbortController();
        continue;
      }
      if (fence.holdsValidLease(clock.nowMs())) continue;
      if (this.#isLeading) logger.info('pacing worker holds no shard; cycles paused');
      this.#isLeading = false;
      // Holding nothing, one NotLeader skip per period (at shard 0's slots), as an unsharded standby counts.
      if (currentSlotStartMs(wakeAtMs, periodMs) === wakeAtMs)
        sink.cyclesSkipped(this.#config.key, 1, 'NotLeader');
    }
  }

  /** Sharded: records which shards are held now; a shard lost is forgotten (slots run, loaded and learned state). */
  #noteHeldShards(shards: ShardFence, nowMs: number): void {
    for (let shard = 0; shard < shards.count; shard += 1) {
      if (shards.holdsShard(shard, nowMs)) {
        if (!this.#heldSeenAtByShard.has(shard)) this.#heldSeenAtByShard.set(shard, nowMs);
      } else if (this.#heldSeenAtByShard.delete(shard)) {
        this.#lastRunSlotByShard.delete(shard);
        this.#loadedShards.delete(shard);
        const state = this.#shardStates.get(shard);
        if (state !== undefined) this.#lapsedShardStates.set(shard, { state, lostAtMs: nowMs });
        this.#shardStates.delete(shard);
      }
    }
    for (const [shard, lapsed] of this.#lapsedShardStates) {
      if (nowMs - lapsed.lostAtMs > LAPSED_STATE_KEEP_MS) this.#lapsedShardStates.delete(shard);
    }
  }

  /**
   * Sharded: the held shard whose slot under way should run now, the earliest slot first. A shard's slot runs
   * when this worker has not run it, existed when it began (so no earlier worker of this process ran it), and
   * holds the shard alone since the slot's start at the latest (so its previous holder cannot have published
   * that slot, which also lets a shard taken over mid-slot be paced at once). A slot that another shard's cycle
   * delayed runs as soon as that cycle ends, before any later slot; one that passed entirely meanwhile is
   * skipped. A shard held since before its slot began waits while a later slot already ran, so cycle ids stay
   * the slot starts; one taken over mid-slot does not, and takes the next id above the last.
   */
  #dueShard(
    shards: ShardFence,
    nowMs: number,
    periodMs: number,
  ): { shard: number; slotMs: number } | undefined {
    let due: { shard: number; slotMs: number } | undefined;
    for (const [shard, heldSeenAtMs] of this.#heldSeenAtByShard) {
      const slotMs = currentSlotStartMs(nowMs, periodMs, shardPhaseMs(shard, shards.count, periodMs));
      // A fence that cannot say since when the shard is ours alone: only slots begun after we saw it held.
      const exclusiveSinceMs = shards.exclusiveSinceMs?.(shard) ?? heldSeenAtMs;
      // Taken over mid-slot: its targets have waited for a new holder, so it is not held back behind a later slot.
      const isCatchUp = heldSeenAtMs > slotMs;
      const isDue =
        slotMs > (this.#lastRunSlotByShard.get(shard) ?? Number.NEGATIVE_INFINITY) &&
        (slotMs > this.#lastRunSlotMs || isCatchUp) &&
        slotMs >= this.#startedAtMs &&
        exclusiveSinceMs <= slotMs;
      if (isDue && (due === undefined || slotMs < due.slotMs)) due = { shard, slotMs };
    }
    return due;
  }

  async #saveIfDue(signal: AbortSignal): Promise<void> {
    const { clock, fence } = this.#ports;
    if (!this.#isStateDirty || clock.nowMs() - this.#lastSavedAtMs < this.#config.stateSaveIntervalMs) return;
    if (fence.holdsValidLease(clock.nowMs())) await this.#saveState(signal);
  }

  async #runOneCycle(slotMs: number, stopSignal: AbortSignal, shard?: number): Promise<void> {
    const { clock, sink, logger } = this.#ports;
    const config = this.#config;
    const timeout = new AbortController();
    const timer = new AbortController();
    void clock.sleep(config.cycleTimeoutMs, timer.signal).then(() => {
      if (!timer.signal.aborted) timeout.abort(new Error(`cycle exceeded ${config.cycleTimeoutMs} ms`));
    });
    const cycleId = cycleIdOf(slotMs, this.#lastCycleId);
    const learnedState = shard === undefined ? this.#learnedState : (this.#shardStates.get(shard) ?? {});
    let leaveGate = this.#ports.cycleGate?.enter();
    try {
      const result = await runPacingCycle(
        {
          cluster: config,
          targets: this.#targets,
          cycleId,
          slotStartMs: slotMs,
          learnedState,
          reports: this.#reports,
          signal: AbortSignal.any([stopSignal, timeout.signal]),
          ...(shard === undefined ? {} : { onlyShards: new Set([shard]) }),
        },
        this.#ports,
      );
      // The gate opens before the outcome sinks run: they queue the status writes the cycle held back.
      leaveGate?.();
      leaveGate = undefined;
      if (result.outcome.isPublished) {
        this.#lastCycleId = cycleId;
        this.#isStateDirty ||= result.learnedState !== learnedState;
      }
      if (shard === undefined) this.#learnedState = result.learnedState;
      else if (this.#heldSeenAtByShard.has(shard)) this.#shardStates.set(shard, result.learnedState);
      this.#reports = result.reports;
      // A cycle cut short by stop says nothing about the world; reporting it would flap conditions on shutdown.
      if (stopSignal.aborted) return;
      try {
        sink.cycleCompleted(result.outcome);
      } catch (error) {
        logger.error({ err: error, cycle: cycleId }, 'cycle outcome sink failed');
      }
      this.#logHealthChanges(result.outcome, cycleId);
      logger.debug(
        {
          cycle: cycleId,
          shard,
          durationMs: result.outcome.durationMs,
          phasesMs: result.outcome.phasesMs,
          phasesCpuMs: result.outcome.phasesCpuMs,
          published: result.outcome.isPublished,
          stats: result.outcome.stats.reason,
          engagement: result.outcome.engagement.reason,
        },
        'pacing cycle done',
      );
    } finally {
      leaveGate?.();
      timer.abort();
    }
  }

  /** One log line per change of an input's health, not one per cycle: a 1 s cycle would flood the log. */
  #logHealthChanges(outcome: CycleOutcome, cycleId: number): void {
    if (!outcome.isPublished) return;
    for (const [input, health] of [
      ['stats', outcome.stats],
      ['engagement', outcome.engagement],
    ] as const) {
      if (this.#lastHealthReasons.get(input) === health.reason) continue;
      const wasKnown = this.#lastHealthReasons.has(input);
      this.#lastHealthReasons.set(input, health.reason);
      const fields = {
        cycle: cycleId,
        input,
        reason: health.reason,
        errorCode: health.errorCode,
        detail: health.message,
      };
      if (!health.isHealthy) this.#ports.logger.warn(fields, 'pacing input unhealthy');
      else if (wasKnown) this.#ports.logger.info(fields, 'pacing input healthy again');
    }
  }

  async #loadState(signal: AbortSignal): Promise<void> {
    const { stateStore, logger } = this.#ports;
    if (stateStore === undefined) return;
    try {
      const saved = await stateStore.load(this.#config.key, signal);
      if (saved === undefined) {
        logger.info('no learned state saved; cold start');
      } else if (saved.policy !== this.#config.policy) {
        logger.info({ savedPolicy: saved.policy }, 'learned state belongs to another policy; cold start');
      } else {
        this.#learnedState = saved.targets;
        this.#lastCycleId = Math.max(this.#lastCycleId, saved.lastCycleId);
        logger.info(
          {
            lastCycleId: saved.lastCycleId,
            targets: Object.keys(saved.targets).length,
            savedAtMs: saved.savedAtMs,
          },
          'learned state loaded',
        );
      }
    } catch (error) {
      logger.warn({ err: error }, 'learned state could not be loaded; cold start');
    }
  }

  /**
   * Sharded: loads the saved state of every shard gained since the last look (a new hold of a shard it held
   * before included), so a new owner continues from the previous owner's last save.
   */
  async #loadGainedShards(shards: ShardFence, signal: AbortSignal): Promise<void> {
    const { stateStore, clock, logger } = this.#ports;
    const nowMs = clock.nowMs();
    for (let shard = 0; shard < shards.count; shard += 1) {
      if (!shards.holdsShard(shard, nowMs)) continue;
      const exclusiveSinceMs = shards.exclusiveSinceMs?.(shard);
      if (this.#loadedShards.has(shard) && this.#loadedShards.get(shard) === exclusiveSinceMs) continue;
      this.#loadedShards.set(shard, exclusiveSinceMs);
      // Taken back from nobody: what this worker kept (held on, or put aside when it saw the shard lost) is newer
      // than its last save, and reading that save from the busy API server held the shard's cycles for seconds.
      const kept = this.#shardStates.get(shard) ?? this.#lapsedShardStates.get(shard)?.state;
      this.#lapsedShardStates.delete(shard);
      if (kept !== undefined && shards.isResumedHold?.(shard) === true) {
        this.#shardStates.set(shard, kept);
        logger.info(
          { shard, targets: Object.keys(kept).length },
          'shard lease taken back from nobody; learned state kept',
        );
        continue;
      }
      if (stateStore === undefined) continue;
      try {
        const saved = await stateStore.load(this.#config.key, signal, shard);
        if (saved === undefined || saved.policy !== this.#config.policy) {
          logger.info({ shard }, 'no learned state of this policy saved for the shard; cold start');
          continue;
        }
        this.#shardStates.set(shard, saved.targets);
        this.#lastCycleId = Math.max(this.#lastCycleId, saved.lastCycleId);
        logger.info(
          {
            shard,
            lastCycleId: saved.lastCycleId,
            targets: Object.keys(saved.targets).length,
            savedAtMs: saved.savedAtMs,
          },
          'learned state loaded',
        );
      } catch (error) {
        logger.warn({ err: error, shard }, 'learned state of the shard could not be loaded; cold start');
      }
    }
  }

  /**
   * Sharded: saves the learned state of one shard now, if this worker holds and has loaded it. Called before this
   * instance hands the shard back to a peer, so that the peer continues from now rather than from the last
   * periodic save. Never rejects.
   */
  async saveShard(shard: number, signal: AbortSignal): Promise<void> {
    const shards = this.#ports.fence.shards;
    if (shards === undefined || this.#ports.stateStore === undefined) return;
    try {
      await this.#saveOneShard(shard, this.#ports.clock.nowMs(), signal);
    } catch (error) {
      this.#ports.logger.warn({ err: error, shard }, 'learned state of the shard could not be saved');
    }
  }

  async #saveState(signal: AbortSignal): Promise<void> {
    const { stateStore, clock, logger, fence } = this.#ports;
    if (stateStore === undefined) return;
    const nowMs = clock.nowMs();
    const shards = fence.shards;
    try {
      if (shards === undefined) {
        // No copy: a cycle replaces #learnedState with a new object and never writes into the one being saved.
        await stateStore.save({ ...this.#stateBase(nowMs), targets: this.#learnedState }, signal);
      } else {
        // One state per held shard, with only that shard's targets: peers own (and save) the other shards.
        for (let shard = 0; shard < shards.count; shard += 1) await this.#saveOneShard(shard, nowMs, signal);
      }
      this.#isStateDirty = false;
    } catch (error) {
      logger.warn({ err: error }, 'learned state could not be saved');
    } finally {
      // A failed save is retried at the next save period, not every cycle: a save that fails for its size
      // (or an API server in trouble) would otherwise add one large request per cycle.
      this.#lastSavedAtMs = nowMs;
    }
  }

  async #saveOneShard(shard: number, nowMs: number, signal: AbortSignal): Promise<void> {
    const shards = this.#ports.fence.shards;
    const stateStore = this.#ports.stateStore;
    if (shards === undefined || stateStore === undefined) return;
    // A shard gained since the last cycle has not been loaded yet: saving it would clobber its state.
    if (!shards.holdsShard(shard, nowMs) || !this.#loadedShards.has(shard)) return;
    // No copy: a cycle replaces a shard's state with a new object and never writes into the one being saved.
    const targets = this.#shardStates.get(shard) ?? {};
    await stateStore.save({ ...this.#stateBase(nowMs), shard, targets }, signal);
  }

  #stateBase(nowMs: number) {
    return {
      version: 1 as const,
      clusterKey: this.#config.key,
      policy: this.#config.policy,
      savedAtMs: nowMs,
      lastCycleId: this.#lastCycleId,
    };
  }

  #wakeUp(): void {
    this.#wake.abort();
  }
}

function assertConfig(config: ClusterConfig): void {
  const problem = findClusterConfigProblem(config);
  if (problem !== undefined) throw new EngineConfigError(`cluster ${config.key}: ${problem}`);
}
