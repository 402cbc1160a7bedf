import type { ClusterConfig } from './cluster-config.js';
import { PacingWorker, type PacingWorkerPorts, type PacingWorkerView } from './pacing-worker.js';
import type { TargetConfig } from './target-config.js';

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

/**
 * The set of running pacing workers, one per PacingCluster, plus the target membership of each cluster. Targets
 * may be registered before their cluster's worker exists; they join it when it starts.
 */
export class WorkerRegistry {
  readonly #workers = new Map<string, { worker: PacingWorker; fingerprint: string }>();
  readonly #targets = new Map<string, Map<string, TargetConfig>>();
  readonly #clusterOfTarget = new Map<string, string>();

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

  /** Adds or updates a target as member of `clusterKey`, moving it out of any cluster it was in before. */
  setTarget(clusterKey: string, target: TargetConfig): void {
    const previous = this.#clusterOfTarget.get(target.key);
    if (previous !== undefined && previous !== clusterKey) this.removeTarget(target.key);
    let members = this.#targets.get(clusterKey);
    if (members === undefined) {
      members = new Map();
      this.#targets.set(clusterKey, members);
    }
    members.set(target.key, target);
    this.#clusterOfTarget.set(target.key, clusterKey);
    this.#workers.get(clusterKey)?.worker.setTargets(this.#targetsOf(clusterKey));
  }

  /** Removes a target from whichever cluster it belonged to; its worker stops pacing it from the next cycle. */
  removeTarget(targetKey: string): void {
    const clusterKey = this.#clusterOfTarget.get(targetKey);
    if (clusterKey === undefined) return;
    this.#clusterOfTarget.delete(targetKey);
    const members = this.#targets.get(clusterKey);
    members?.delete(targetKey);
    if (members?.size === 0) this.#targets.delete(clusterKey);
    this.#workers.get(clusterKey)?.worker.setTargets(this.#targetsOf(clusterKey));
  }

  /** The view of a cluster's worker, or undefined when none runs. */
  workerOf(clusterKey: string): PacingWorkerView | undefined {
    return this.#workers.get(clusterKey)?.worker.view;
  }

  /** Keys of the clusters with a running worker. */
  clusterKeys(): string[] {
    return [...this.#workers.keys()];
  }

  /** Sharded: every worker saves the learned state of `shard` now (before this instance hands it back). */
  async saveShard(shard: number, signal: AbortSignal): Promise<void> {
    await Promise.all([...this.#workers.values()].map((w) => w.worker.saveShard(shard, signal)));
  }

  /** Stops every worker (each saves its learned state when leading); used on shutdown. */
  async stopAll(): Promise<void> {
    const all = [...this.#workers.values()];
    this.#workers.clear();
    await Promise.all(all.map((w) => w.worker.stop()));
  }

  #targetsOf(clusterKey: string): TargetConfig[] {
    const members = this.#targets.get(clusterKey);
    if (members === undefined) return [];
    // Sorted so that request order (and so the decider's input) does not depend on event order.
    return [...members.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
