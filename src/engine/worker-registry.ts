import type { Clock } from './clock.js';
import type { ClusterConfig } from './cluster-config.js';
import { PacingWorker, type PacingWorkerPorts, type PacingWorkerView } from './pacing-worker.js';
import { isSameTargetConfig, type TargetConfig } from './target-config.js';

/** What the cluster reconciler wants running for one PacingCluster. */
export interface DesiredWorker {
  /** Worker configuration. */
  readonly config: ClusterConfig;
  /**
   * Fingerprint of everything the ports are built from (endpoints, credentials, proxy). When it changes the worker
   * is replaced (its learned state is flushed by the old one and reloaded by the new one); otherwise it is only
   * reconfigured.
   */
  readonly connectionFingerprint: string;
  /** Builds the ports of a new worker; called only when a worker is (re)created. */
  readonly buildPorts: () => PacingWorkerPorts;
}

/** Options of a {@link WorkerRegistry}. */
export interface WorkerRegistryOptions {
  /** Source of time for the coalescing delay. */
  readonly clock: Clock;
  /**
   * How long membership changes are gathered before the sorted target lists are rebuilt and handed to the workers.
   * Default 200 ms: small against any refresh period, large enough that a burst of reconciles costs one sort.
   */
  readonly flushDelayMs?: number;
}

/**
 * The set of running pacing workers, one per PacingCluster, plus the target membership of each cluster. Targets
 * may be registered before their cluster's worker exists; they join it when it starts.
 *
 * Membership changes are O(1): they mark the cluster dirty, and the sorted target list of a dirty cluster is
 * rebuilt once, after `flushDelayMs` or when read (`workerOf`, `upsert`), whichever comes first. Rebuilding it
 * on every change cost O(N log N) per target reconcile, which at 10,000 targets starved the event loop.
 */
export class WorkerRegistry {
  readonly #workers = new Map<string, { worker: PacingWorker; fingerprint: string }>();
  readonly #targets = new Map<string, Map<string, TargetConfig>>();
  readonly #clusterOfTarget = new Map<string, string>();
  readonly #dirtyClusters = new Set<string>();
  readonly #clock: Clock;
  readonly #flushDelayMs: number;
  #flushTimer: AbortController | undefined;

  constructor(options: WorkerRegistryOptions) {
    this.#clock = options.clock;
    this.#flushDelayMs = options.flushDelayMs ?? 200;
  }

  /** Creates, reconfigures or replaces the worker of `desired.config.key`. Throws EngineConfigError on bad config. */
  async upsert(desired: DesiredWorker): Promise<void> {
    const key = desired.config.key;
    const current = this.#workers.get(key);
    if (current !== undefined && current.fingerprint === desired.connectionFingerprint) {
      current.worker.reconfigure(desired.config);
      return;
    }
    if (current !== undefined) {
      this.#workers.delete(key);
      await current.worker.stop();
    }
    this.#dirtyClusters.delete(key);
    const worker = new PacingWorker(desired.config, this.#targetsOf(key), desired.buildPorts());
    this.#workers.set(key, { worker, fingerprint: desired.connectionFingerprint });
    worker.start();
  }

  /** Stops and forgets the worker of a cluster (its targets stay registered, waiting for a cluster). */
  async remove(clusterKey: string): Promise<void> {
    const current = this.#workers.get(clusterKey);
    if (current === undefined) return;
    this.#workers.delete(clusterKey);
    await current.worker.stop();
  }

  /**
   * Adds or updates a target as member of `clusterKey`, moving it out of any cluster it was in before. A config
   * that says what the known one says changes nothing: the worker keeps the object it has.
   */
  setTarget(clusterKey: string, target: TargetConfig): void {
    const previous = this.#clusterOfTarget.get(target.key);
    if (previous !== undefined && previous !== clusterKey) this.removeTarget(target.key);
    let members = this.#targets.get(clusterKey);
    if (members === undefined) {
      members = new Map();
      this.#targets.set(clusterKey, members);
    }
    const known = members.get(target.key);
    if (known !== undefined && (known === target || isSameTargetConfig(known, target))) return;
    members.set(target.key, target);
    this.#clusterOfTarget.set(target.key, clusterKey);
    this.#markDirty(clusterKey);
  }

  /** Removes a target from whichever cluster it belonged to; its worker stops pacing it from the next cycle. */
  removeTarget(targetKey: string): void {
    const clusterKey = this.#clusterOfTarget.get(targetKey);
    if (clusterKey === undefined) return;
    this.#clusterOfTarget.delete(targetKey);
    const members = this.#targets.get(clusterKey);
    members?.delete(targetKey);
    if (members?.size === 0) this.#targets.delete(clusterKey);
    this.#markDirty(clusterKey);
  }

  /** The view of a cluster's worker (with its targets up to date), or undefined when none runs. */
  workerOf(clusterKey: string): PacingWorkerView | undefined {
    if (this.#dirtyClusters.has(clusterKey)) this.#flushCluster(clusterKey);
    return this.#workers.get(clusterKey)?.worker.view;
  }

  /** Hands every dirty cluster's sorted target list to its worker now. */
  flushTargets(): void {
    this.#flushTimer?.abort();
    this.#flushTimer = undefined;
    for (const clusterKey of [...this.#dirtyClusters]) this.#flushCluster(clusterKey);
  }

  /** Keys of the clusters with a running worker. */
  clusterKeys(): string[] {
    return [...this.#workers.keys()];
  }

  /** Tells every worker that this instance just gained the lease or a shard (see PacingWorker.leadershipGained). */
  leadershipGained(): void {
    for (const { worker } of this.#workers.values()) worker.leadershipGained();
  }

  /** Sharded: every worker saves the learned state of `shard` now (before this instance hands it back). */
  async saveShard(shard: number, signal: AbortSignal): Promise<void> {
    await Promise.all([...this.#workers.values()].map((w) => w.worker.saveShard(shard, signal)));
  }

  /** Stops every worker (each saves its learned state when leading); used on shutdown. */
  async stopAll(): Promise<void> {
    this.#flushTimer?.abort();
    this.#flushTimer = undefined;
    const all = [...this.#workers.values()];
    this.#workers.clear();
    await Promise.all(all.map((w) => w.worker.stop()));
  }

  #markDirty(clusterKey: string): void {
    this.#dirtyClusters.add(clusterKey);
    if (this.#flushTimer !== undefined) return;
    const timer = new AbortController();
    this.#flushTimer = timer;
    void this.#clock.sleep(this.#flushDelayMs, timer.signal).then(() => {
      if (timer.signal.aborted) return;
      this.#flushTimer = undefined;
      this.flushTargets();
    });
  }

  #flushCluster(clusterKey: string): void {
    this.#dirtyClusters.delete(clusterKey);
    this.#workers.get(clusterKey)?.worker.setTargets(this.#targetsOf(clusterKey));
  }

  #targetsOf(clusterKey: string): TargetConfig[] {
    const members = this.#targets.get(clusterKey);
    if (members === undefined) return [];
    // Sorted so that request order (and so the decider's input) does not depend on event order.
    return [...members.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
