import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import { findClusterConfigProblem, type ClusterConfig } from './cluster-config.js';
import type { CycleOutcome, CycleOutcomeSink } from './cycle-outcome.js';
import { cycleIdOf, nextSlotStartMs, skippedSlotCount } from './cycle-slots.js';
import type { EngagementExchange, EngagementTargetReport } from './engagement-exchange.js';
import { EngineConfigError } from './errors.js';
import type { LeaseFence } from './lease-fence.js';
import type { LearnedState, LearnedStateStore } from './learned-state.js';
import type { CycleGate } from './cycle-gate.js';
import type { PacingDecider } from './pacing-decider.js';
import { runPacingCycle } from './pacing-cycle.js';
import type { StatsSource } from './stats-source.js';
import type { TargetConfig } from './target-config.js';

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
 * holds the lease, never two at once (a cycle that overruns makes the worker skip the slots it covered, and
 * counts them), persists learned state at most every `stateSaveIntervalMs`, and reloads it when it becomes
 * leader so a handover continues instead of cold-starting.
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
  /** The slot of the last cycle this worker ran (its slots visited as a standby do not count). */
  #lastRunSlotMs = Number.NEGATIVE_INFINITY;
  /** Sharded: the shards the cycles of `#lastRunSlotMs` paced (so a catch-up cycle never repeats one). */
  #pacedShards = new Set<number>();
  #startedAtMs = Number.POSITIVE_INFINITY;
  #isLeading = false;
  #lastSavedAtMs = Number.NEGATIVE_INFINITY;
  /** Sharded: the shards whose saved state this worker loaded since it last gained them. */
  readonly #loadedShards = new Set<number>();
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
    if (this.#loop === undefined) this.#startedAtMs = this.#ports.clock.nowMs();
    this.#loop ??= this.#run().catch((error: unknown) => {
      // runPacingCycle never throws; reaching this is a bug, logged rather than crashing the process.
      this.#ports.logger.error({ err: error }, 'pacing worker loop failed');
    });
  }

  /** Replaces the configuration; a new refresh period applies from the next slot. Throws on invalid config. */
  reconfigure(config: ClusterConfig): void {
    assertConfig(config);
    const isPolicyChanged = config.policy !== this.#config.policy;
    this.#config = config;
    if (isPolicyChanged) this.#learnedState = {};
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

  async #run(): Promise<void> {
    const { clock, fence, sink, logger } = this.#ports;
    const stopSignal = this.#stop.signal;
    while (!stopSignal.aborted) {
      const periodMs = this.#config.refreshPeriodMs;
      const catchUp = this.#catchUpShards(clock.nowMs(), periodMs);
      if (catchUp.size > 0) {
        await this.#loadGainedShards(stopSignal);
        for (const shard of catchUp) this.#pacedShards.add(shard);
        await this.#runOneCycle(this.#lastRunSlotMs, stopSignal, catchUp);
        continue;
      }
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
        // Sharded, the state is loaded per shard as shards are gained (below), not per cluster.
        if (fence.shards === undefined) await this.#loadState(stopSignal);
        this.#loadedShards.clear();
        this.#isLeading = true;
      }
      if (fence.shards !== undefined) await this.#loadGainedShards(stopSignal);
      this.#pacedShards = this.#shardsPacedAt(slotMs, clock.nowMs());
      this.#lastRunSlotMs = slotMs;
      await this.#runOneCycle(slotMs, stopSignal);
      const nextMs = nextSlotStartMs(clock.nowMs(), this.#config.refreshPeriodMs, slotMs);
      const skipped = skippedSlotCount(slotMs, nextMs, this.#config.refreshPeriodMs);
      if (skipped > 0 && !stopSignal.aborted) sink.cyclesSkipped(this.#config.key, skipped, 'Overrun');
      if (clock.nowMs() - this.#lastSavedAtMs >= this.#config.stateSaveIntervalMs && this.#isStateDirty) {
        if (fence.holdsValidLease(clock.nowMs())) await this.#saveState(stopSignal);
      }
    }
  }

  /**
   * The next slot to run: normally the next grid point. A standby that just took over runs the slot under way
   * at once when the lease proves nobody else can have published it (its exclusive-since time is not after the
   * slot's start) and this worker already existed when the slot began (so no earlier worker of this process ran
   * it): that saves up to one refresh period in a handover.
   */
  #nextSlotMs(nowMs: number, periodMs: number): number {
    const { fence } = this.#ports;
    const currentMs = Math.floor(nowMs / periodMs) * periodMs;
    const mayRunCurrent =
      !this.#isLeading &&
      currentMs > this.#lastRunSlotMs &&
      currentMs >= this.#startedAtMs &&
      fence.holdsValidLease(nowMs) &&
      (fence.exclusiveSinceMs?.() ?? Number.POSITIVE_INFINITY) <= currentMs;
    return mayRunCurrent ? currentMs : nextSlotStartMs(nowMs, periodMs, this.#lastSlotMs);
  }

  /**
   * Sharded: the shards gained during the slot this worker already ran, which no one else can have published
   * for that slot (exclusive since its start). They are paced in a catch-up cycle of their own for the same
   * slot instead of waiting for the next one, so a lost replica's shard is re-homed as fast as the lease allows.
   */
  #catchUpShards(nowMs: number, periodMs: number): Set<number> {
    const shards = this.#ports.fence.shards;
    const slotMs = this.#lastRunSlotMs;
    if (shards === undefined || !this.#isLeading || Math.floor(nowMs / periodMs) * periodMs !== slotMs)
      return new Set();
    // Only a known exclusive-since time proves the slot unpublished; an unknown one waits for the next slot.
    return this.#shardsPacedAt(slotMs, nowMs, (since) => since !== undefined && since <= slotMs);
  }

  /**
   * Sharded: the shards a cycle of the slot starting at `slotMs` paces at `nowMs` (held, and held alone since the
   * slot's start or since an unknown time, as {@link holdsTarget} judges), less those already paced in that slot.
   */
  #shardsPacedAt(
    slotMs: number,
    nowMs: number,
    isExclusive: (since: number | undefined) => boolean = (since) => since === undefined || since <= slotMs,
  ): Set<number> {
    const shards = this.#ports.fence.shards;
    const paced = new Set<number>();
    if (shards === undefined) return paced;
    for (let shard = 0; shard < shards.count; shard += 1) {
      if (slotMs === this.#lastRunSlotMs && this.#pacedShards.has(shard)) continue;
      if (shards.holdsShard(shard, nowMs) && isExclusive(shards.exclusiveSinceMs?.(shard))) paced.add(shard);
    }
    return paced;
  }

  async #runOneCycle(
    slotMs: number,
    stopSignal: AbortSignal,
    onlyShards?: ReadonlySet<number>,
  ): Promise<void> {
    const { clock, sink, logger } = this.#ports;
    const config = this.#config;
    const timeout = new AbortController();
    const timer = new AbortController();
    void clock.sleep(config.cycleTimeoutMs, timer.signal).then(() => {
      if (!timer.signal.aborted) timeout.abort(new Error(`cycle exceeded ${config.cycleTimeoutMs} ms`));
    });
    const cycleId = cycleIdOf(slotMs, this.#lastCycleId);
    let leaveGate = this.#ports.cycleGate?.enter();
    try {
      const result = await runPacingCycle(
        {
          cluster: config,
          targets: this.#targets,
          cycleId,
          slotStartMs: slotMs,
          learnedState: this.#learnedState,
          reports: this.#reports,
          signal: AbortSignal.any([stopSignal, timeout.signal]),
          ...(onlyShards === undefined ? {} : { onlyShards }),
        },
        this.#ports,
      );
      // The gate opens before the outcome sinks run: they queue the status writes the cycle held back.
      leaveGate?.();
      leaveGate = undefined;
      if (result.outcome.isPublished) {
        this.#lastCycleId = cycleId;
        this.#isStateDirty ||= result.learnedState !== this.#learnedState;
      }
      // A catch-up cycle decided only its shards' targets: the others keep what the slot's cycle left them.
      this.#learnedState =
        onlyShards === undefined ? result.learnedState : { ...this.#learnedState, ...result.learnedState };
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
          durationMs: result.outcome.durationMs,
          phasesMs: result.outcome.phasesMs,
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
   * Sharded: loads the saved state of every shard gained since the last look, so a new owner continues from the
   * previous owner's last save; a shard lost is forgotten here so that gaining it again reloads it.
   */
  async #loadGainedShards(signal: AbortSignal): Promise<void> {
    const { stateStore, clock, logger, fence } = this.#ports;
    const shards = fence.shards;
    if (shards === undefined) return;
    const nowMs = clock.nowMs();
    for (let shard = 0; shard < shards.count; shard += 1) {
      if (!shards.holdsShard(shard, nowMs)) {
        this.#loadedShards.delete(shard);
        continue;
      }
      if (this.#loadedShards.has(shard)) continue;
      this.#loadedShards.add(shard);
      if (stateStore === undefined) continue;
      try {
        const saved = await stateStore.load(this.#config.key, signal, shard);
        if (saved === undefined || saved.policy !== this.#config.policy) {
          logger.info({ shard }, 'no learned state of this policy saved for the shard; cold start');
          continue;
        }
        this.#learnedState = { ...this.#learnedState, ...saved.targets };
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
    const targets: Record<string, unknown> = {};
    for (const target of this.#targets) {
      const entry = this.#learnedState[target.id];
      if (entry !== undefined && shards.shardOf(target.key) === shard) targets[target.id] = entry;
    }
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
