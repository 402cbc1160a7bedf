import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { LeaseFence, ShardFence } from '../engine/index.js';
import type { Clock } from './clock.js';
import { controllerMetrics, type ControllerMetrics } from './controller-metrics.js';
import { ControllerConfigError } from './errors.js';
import type { LeaseClient } from './lease-client.js';
import { LeaseElector, shardLeaseName } from './lease-elector.js';
import { LeaseMembership, memberLeaseName } from './lease-membership.js';
import { decideShardShare } from './shard-share.js';
import { shardOfTarget } from './target-shard.js';

/** Options of a {@link ShardCoordinator}. */
export interface ShardCoordinatorOptions {
  /** Namespace of the Leases. */
  readonly namespace: string;
  /** Base Lease name: shards are `<name>-shard-<i>`, memberships `<name>-member-<hash>`. */
  readonly name: string;
  /** Number of shards, at least 2. */
  readonly shardCount: number;
  /** This replica's identity. */
  readonly identity: string;
  /** Lease API. */
  readonly leaseClient: LeaseClient;
  /** Time. */
  readonly clock: Clock;
  /** Random source in [0, 1) (retry jitter). */
  readonly random: () => number;
  /** Metrics registry. */
  readonly registry: Registry;
  /** Logger. */
  readonly logger: Logger;
  /** Lease duration, ms. */
  readonly leaseDurationMs: number;
  /** Renew deadline, ms. */
  readonly renewDeadlineMs: number;
  /** Retry period, ms; also the period of the membership check. */
  readonly retryPeriodMs: number;
  /** A surplus is handed back only after lasting this long (no flapping while membership settles). */
  readonly holdDownMs?: number | undefined;
  /** Called when this replica starts holding a shard. Must not throw. */
  readonly onShardGained?: ((shard: number, start: { readonly isResumed: boolean }) => void) | undefined;
  /** Called when this replica stops holding a shard. Must not throw. */
  readonly onShardLost?: ((shard: number) => void) | undefined;
  /**
   * Awaited (at most renewDeadline / 2) before a shard is handed back to a peer, while it is still held: the place
   * to save the shard's learned state so the peer continues from now. Must not reject.
   */
  readonly beforeHandBack?: ((shard: number, signal: AbortSignal) => Promise<void>) | undefined;
  /**
   * Called once a shard was handed back (its Lease released for a peer): unlike a shard lost to a missed renewal,
   * it cannot be taken back as this replica left it, so what this replica kept for writing its statuses may go.
   * Must not throw.
   */
  readonly onShardHandedBack?: ((shard: number) => void) | undefined;
}

/** One shard and the identity holding its Lease as last observed ('' when nobody). */
export interface ShardHolder {
  readonly shard: number;
  readonly holder: string;
}

/**
 * Sharded leader election: one Lease per shard, each with its own {@link LeaseElector}, plus a membership Lease
 * per replica so that replicas count the live ones. A replica campaigns for a free shard only while it holds
 * fewer than its fair share (ceil(S / live replicas)) and hands back what it holds above it after a hold-down,
 * so shards spread evenly and a lost replica's shards are taken within about one lease duration. It is the
 * engine's fence: a target may be published only by the holder of its shard.
 */
export class ShardCoordinator implements LeaseFence {
  readonly #o: ShardCoordinatorOptions;
  readonly #log: Logger;
  readonly #metrics: ControllerMetrics;
  readonly #membership: LeaseMembership;
  readonly #member: LeaseElector;
  readonly #electors: LeaseElector[] = [];
  readonly #grantedAtMs = new Map<number, number>();
  readonly #abort = new AbortController();
  #isMembershipKnown = false;
  #alive: string[];
  #surplusSinceMs: number | undefined;
  #loop: Promise<void> | undefined;

  /** The per-shard fence the engine uses. */
  readonly shards: ShardFence;

  /** @throws ControllerConfigError for fewer than 2 shards (one shard is the plain Lease). */
  constructor(options: ShardCoordinatorOptions) {
    if (!Number.isInteger(options.shardCount) || options.shardCount < 2) {
      throw new ControllerConfigError('sharding: shardCount must be an integer of at least 2');
    }
    if (options.leaseClient.list === undefined) {
      throw new ControllerConfigError('sharding: the Lease client must be able to list Leases');
    }
    this.#o = options;
    this.#log = options.logger.child({ component: 'shards', identity: options.identity });
    this.#metrics = controllerMetrics(options.registry);
    this.#metrics.shardsHeld.set({ lease: options.name }, 0);
    this.#membership = new LeaseMembership(options.name);
    this.#alive = [options.identity];
    this.#member = new LeaseElector({
      ...this.#electorBase(),
      name: memberLeaseName(options.name, options.identity),
    });
    for (let shard = 0; shard < options.shardCount; shard += 1)
      this.#electors.push(this.#shardElector(shard));
    const count = options.shardCount;
    this.shards = {
      count,
      shardOf: (targetKey) => shardOfTarget(targetKey, count),
      holdsShard: (shard, nowMs) => this.#electors[shard]?.holdsValidLease(nowMs) ?? false,
      exclusiveSinceMs: (shard) => this.#electors[shard]?.exclusiveSinceMs(),
      fencingToken: (shard) => this.#electors[shard]?.fencingToken(),
      isResumedHold: (shard) => this.#electors[shard]?.isResumedHold() ?? false,
    };
  }

  /** The earliest of the held shards' exclusive-since times (undefined when holding none). */
  exclusiveSinceMs(): number | undefined {
    const times = this.#electors.map((e) => e.exclusiveSinceMs()).filter((t) => t !== undefined);
    return times.length === 0 ? undefined : Math.min(...times);
  }

  /** True while this replica holds at least one shard's Lease, valid at `nowMs`. */
  holdsValidLease(nowMs: number): boolean {
    return this.#electors.some((e) => e.holdsValidLease(nowMs));
  }

  /** Holder of every shard as last observed (this replica for the shards it holds). */
  holders(): ShardHolder[] {
    return this.#electors.map((elector, shard) => ({
      shard,
      holder: elector.isLeader() ? this.#o.identity : elector.leaderIdentity(),
    }));
  }

  /** Identities of the replicas counted alive at the last membership check. */
  aliveMembers(): readonly string[] {
    return this.#alive;
  }

  /** Starts the membership Lease, the shard electors and the balancing loop. */
  start(): void {
    if (this.#loop !== undefined) return;
    this.#member.start();
    for (const elector of this.#electors) elector.start();
    this.#loop = this.#balance();
  }

  /** Stops balancing, releases every held shard and the membership Lease (peers take over in about a second). */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    await Promise.all(this.#electors.map((e) => e.stop()));
    await this.#member.stop();
    this.#metrics.shardsHeld.set({ lease: this.#o.name }, 0);
  }

  #electorBase() {
    const o = this.#o;
    return {
      namespace: o.namespace,
      identity: o.identity,
      leaseClient: o.leaseClient,
      clock: o.clock,
      random: o.random,
      registry: o.registry,
      logger: o.logger,
      leaseDurationMs: o.leaseDurationMs,
      renewDeadlineMs: o.renewDeadlineMs,
      retryPeriodMs: o.retryPeriodMs,
      releaseOnStop: true,
    };
  }

  #shardElector(shard: number): LeaseElector {
    return new LeaseElector({
      ...this.#electorBase(),
      name: shardLeaseName(this.#o.name, shard),
      mayAcquire: () => this.#mayAcquire(shard),
      onStartedLeading: (start) => {
        this.#updateHeldGauge();
        this.#o.onShardGained?.(shard, start);
      },
      onStoppedLeading: () => {
        this.#updateHeldGauge();
        this.#o.onShardLost?.(shard);
      },
    });
  }

  /** Asked by a shard's elector before it takes the shard: only below this replica's fair share. */
  #mayAcquire(shard: number): boolean {
    if (!this.#isMembershipKnown || this.#abort.signal.aborted) return false;
    const nowMs = this.#o.clock.nowMs();
    // Electors attempt concurrently: a grant not yet turned into leadership counts, or all would pass at once.
    const pendingMs = 2 * this.#o.retryPeriodMs;
    let held = 0;
    this.#electors.forEach((elector, i) => {
      const grantedAt = this.#grantedAtMs.get(i);
      if (elector.isLeader() || (i !== shard && grantedAt !== undefined && nowMs - grantedAt < pendingMs))
        held += 1;
    });
    const decision = decideShardShare({
      shardCount: this.#o.shardCount,
      held,
      alive: this.#alive.length,
      fewestHeldByPeer: this.#fewestHeldByPeer(),
    });
    if (decision.mayAcquire) this.#grantedAtMs.set(shard, nowMs);
    return decision.mayAcquire;
  }

  #fewestHeldByPeer(): number | undefined {
    const peers = this.#alive.filter((id) => id !== this.#o.identity);
    if (peers.length === 0) return undefined;
    const counts = new Map(peers.map((id) => [id, 0]));
    for (const { holder } of this.holders()) {
      const count = counts.get(holder);
      if (count !== undefined) counts.set(holder, count + 1);
    }
    return Math.min(...counts.values());
  }

  async #balance(): Promise<void> {
    const { clock, leaseClient, namespace, retryPeriodMs } = this.#o;
    const signal = this.#abort.signal;
    const holdDownMs = this.#o.holdDownMs ?? this.#o.leaseDurationMs;
    while (!signal.aborted) {
      try {
        this.#membership.observe((await leaseClient.list?.(namespace)) ?? [], clock.nowMs());
        this.#isMembershipKnown = true;
      } catch (err) {
        this.#log.warn({ err }, 'membership Leases could not be listed; keeping the last count');
      }
      const nowMs = clock.nowMs();
      const alive = this.#membership.alive(nowMs, this.#o.identity);
      if (alive.join('\n') !== this.#alive.join('\n')) {
        this.#log.info({ alive }, 'live replicas changed');
        this.#alive = alive;
      }
      const heldShards = this.#electors.flatMap((e, shard) => (e.isLeader() ? [shard] : []));
      const decision = decideShardShare({
        shardCount: this.#o.shardCount,
        held: heldShards.length,
        alive: alive.length,
        fewestHeldByPeer: this.#fewestHeldByPeer(),
      });
      if (decision.surplus === 0) {
        this.#surplusSinceMs = undefined;
      } else {
        this.#surplusSinceMs ??= nowMs;
        if (nowMs - this.#surplusSinceMs >= holdDownMs) {
          this.#surplusSinceMs = undefined;
          // Hand back the highest-numbered shards: deterministic, and it leaves shard 0 (the cluster status) put.
          for (const shard of heldShards.slice(-decision.surplus))
            await this.#handBack(shard, decision.fairShare);
        }
      }
      await clock.sleep(retryPeriodMs, signal).catch(() => undefined);
    }
  }

  async #handBack(shard: number, fairShare: number): Promise<void> {
    this.#log.info({ shard, fairShare, alive: this.#alive.length }, 'handing a shard back to a peer');
    const old = this.#electors[shard];
    if (old === undefined) return;
    if (this.#o.beforeHandBack !== undefined) {
      const timeout = new AbortController();
      const cancel = this.#o.clock.setTimer(this.#o.renewDeadlineMs / 2, () => timeout.abort());
      await Promise.race([
        this.#o.beforeHandBack(shard, timeout.signal).catch((err: unknown) => {
          this.#log.warn({ err, shard }, 'preparing the hand-back failed; handing back anyway');
        }),
        new Promise<void>((resolve) => timeout.signal.addEventListener('abort', () => resolve())),
      ]);
      cancel();
    }
    // Stopping releases the Lease (holder cleared), so a peer below its share takes it at its next attempt.
    await old.stop();
    this.#o.onShardHandedBack?.(shard);
    if (this.#abort.signal.aborted) return;
    const fresh = this.#shardElector(shard);
    this.#electors[shard] = fresh;
    this.#grantedAtMs.delete(shard);
    fresh.start();
  }

  #updateHeldGauge(): void {
    this.#metrics.shardsHeld.set({ lease: this.#o.name }, this.#electors.filter((e) => e.isLeader()).length);
  }
}
