import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { AlarmManager, AlarmMetricsSink, AlarmOutcomeSink, type RuntimeSample } from '../alarms/index.js';
import {
  alwaysLeader,
  fanOutSinks,
  WorkerRegistry,
  type CycleGate,
  type CycleOutcomeSink,
  type LeaseFence,
  type LearnedStateStore,
  type ShardFence,
} from '../engine/index.js';
import { AlarmStatusSink } from './alarm-status-sink.js';
import { combineCachedObjects, type CachedObjects } from './cached-objects.js';
import { ClusterValidationCache } from './cluster-validation-cache.js';
import type { Clock } from './clock.js';
import { ConfigMapLearnedStateStore } from './config-map-learned-state-store.js';
import { controllerMetrics } from './controller-metrics.js';
import { createPacingClusterInformer, createPacingTargetInformer } from './custom-object-informer.js';
import type { KubeClients } from './kube-client.js';
import { createLeaseClient } from './lease-client.js';
import { LeaseElector } from './lease-elector.js';
import { ShardCoordinator } from './shard-coordinator.js';
import { secretNamesOf } from './pacing-cluster-credentials.js';
import { createPacingClusterReconciler, type WorkerFactory } from './pacing-cluster-reconciler.js';
import { PacingStatusBook, type EventEmitterPort, type PacingObjectRef } from './pacing-status-book.js';
import { createPacingStatusSubmitter, pacingKindRefOf } from './pacing-status-submitter.js';
import { createPacingTargetReconciler } from './pacing-target-reconciler.js';
import { ReconcileLoop } from './reconcile-loop.js';
import type { RestartingInformer } from './restarting-informer.js';
import { createSecretInformer } from './secret-informer.js';
import { createStatusPatcher } from './status-patcher.js';
import { StatusWriter } from './status-writer.js';
import { WorkQueue } from './work-queue.js';

/** Lease settings when leader election is on. */
export interface OperatorLeaderElection {
  /** Namespace of the Lease. */
  readonly namespace: string;
  /** Lease name. */
  readonly name: string;
  /** Lease duration, ms. */
  readonly leaseDurationMs: number;
  /** Renew deadline, ms. */
  readonly renewDeadlineMs: number;
  /** Retry period, ms. */
  readonly retryPeriodMs: number;
  /** Number of shards; 1 (default) is the single Lease `name`, more are `<name>-shard-<i>` Leases. */
  readonly shards?: number | undefined;
}

/** What every worker shares, handed to the worker factory builder. */
export interface SharedWorkerParts {
  /** Lease check before publishing. */
  readonly fence: LeaseFence;
  /** Status, metrics and alarm sinks in one. */
  readonly sink: CycleOutcomeSink;
  /** Learned state between leaders. */
  readonly stateStore: LearnedStateStore;
  /** Holds status writes back while a cycle runs. */
  readonly cycleGate: CycleGate;
}

/** Options of {@link Operator}; parsed once by the composition root. */
export interface OperatorOptions {
  /** Kubernetes clients sharing one connection pool. */
  readonly clients: KubeClients;
  /** Time. */
  readonly clock: Clock;
  /** Random source in [0, 1). */
  readonly random: () => number;
  /** Metrics registry. */
  readonly registry: Registry;
  /** Root logger. */
  readonly logger: Logger;
  /** This instance's identity (Lease holder, publisher, Event reporting instance). */
  readonly identity: string;
  /** Namespaces to watch; empty means all. */
  readonly watchNamespaces: readonly string[];
  /** Namespace of the learned-state ConfigMaps (the operator's own). */
  readonly stateNamespace: string;
  /** Leader election; undefined runs as the only publisher (single replica). */
  readonly leaderElection?: OperatorLeaderElection | undefined;
  /** Event recorder. */
  readonly events: EventEmitterPort;
  /** Sinks besides status and alarms (metrics). */
  readonly extraSinks?: readonly CycleOutcomeSink[] | undefined;
  /** The process's heap and GC figures for the runtime alarms; absent: no runtime alarms. */
  readonly runtime?: { sample(): RuntimeSample } | undefined;
  /** Builds the worker factory once the shared parts exist (keeps HTTP clients out of this room). */
  readonly createWorkerFactory: (shared: SharedWorkerParts) => WorkerFactory;
  /** Global status write budget, writes per second. Default 20. */
  readonly statusWritesPerSecond?: number | undefined;
  /** Most figure refreshes per second, within the budget. Default a quarter of the budget, at most 20. */
  readonly statusRefreshWritesPerSecond?: number | undefined;
  /** Figure refreshes go out only this long after a cycle ends (see StatusWriterOptions.refreshWindowMs). Default 1 000. */
  readonly statusRefreshWindowMs?: number | undefined;
  /** More work told of every cycle's start and end, besides the status writer (the idle collector). */
  readonly cycleGates?: readonly CycleGate[] | undefined;
}

type AnyObject = KubernetesObject;

/**
 * The running operator: informers (PacingCluster, PacingTarget, Secret) feed work queues, reconcilers keep one
 * pacing worker per PacingCluster with its targets as members, and a Lease decides which replica publishes.
 * Standbys run the same informers and reconcilers (warm caches and workers) but their workers skip every slot
 * and they write no status.
 */
export class Operator {
  readonly #o: OperatorOptions;
  readonly #log: Logger;
  readonly #registry: WorkerRegistry;
  readonly #clusterInformers: RestartingInformer<AnyObject>[] = [];
  readonly #targetInformers: RestartingInformer<AnyObject>[] = [];
  readonly #secretInformers: RestartingInformer<V1Secret>[] = [];
  readonly #clusterQueue: WorkQueue;
  readonly #targetQueue: WorkQueue;
  readonly #statusWriter: StatusWriter;
  readonly #book: PacingStatusBook;
  /** The PacingTargets of every watched namespace, as cached. */
  readonly #targets: CachedObjects<AnyObject>;
  readonly #elector: LeaseElector | undefined;
  readonly #coordinator: ShardCoordinator | undefined;
  readonly #fence: LeaseFence;
  readonly #loops: ReconcileLoop[];
  #isStarted = false;
  #isStopping = false;

  constructor(options: OperatorOptions) {
    this.#o = options;
    const { clients, clock, registry, logger } = options;
    this.#registry = new WorkerRegistry({ clock });
    this.#log = logger.child({ component: 'operator' });
    const namespaces: (string | undefined)[] =
      options.watchNamespaces.length > 0 ? [...options.watchNamespaces] : [undefined];
    for (const namespace of namespaces) {
      const common = {
        clock,
        registry,
        logger,
        kubeConfig: clients.kubeConfig,
        customObjects: clients.customObjects,
      };
      const suffix = namespace === undefined ? '' : `-${namespace}`;
      this.#clusterInformers.push(
        createPacingClusterInformer<AnyObject>({ ...common, namespace, name: `pacingclusters${suffix}` }),
      );
      this.#targetInformers.push(
        createPacingTargetInformer<AnyObject>({ ...common, namespace, name: `pacingtargets${suffix}` }),
      );
      this.#secretInformers.push(
        createSecretInformer({
          clock,
          registry,
          logger,
          kubeConfig: clients.kubeConfig,
          core: clients.core,
          namespace,
          name: `secrets${suffix}`,
        }),
      );
    }
    const clusters: CachedObjects<AnyObject> = combineCachedObjects<AnyObject>(this.#clusterInformers);
    const targets: CachedObjects<AnyObject> = combineCachedObjects<AnyObject>(this.#targetInformers);
    this.#targets = targets;
    const secrets = combineCachedObjects<V1Secret>(this.#secretInformers);

    this.#clusterQueue = new WorkQueue({ name: 'pacingcluster', clock, registry });
    this.#targetQueue = new WorkQueue({ name: 'pacingtarget', clock, registry });

    this.#coordinator = undefined;
    const le = options.leaderElection;
    // What the one elector and the shard coordinator are both built from.
    const leaseOptions = le && {
      namespace: le.namespace,
      name: le.name,
      identity: options.identity,
      leaseClient: createLeaseClient(clients.coordination),
      clock,
      random: options.random,
      registry,
      logger,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
    };
    const shardCount = le?.shards ?? 1;
    if (leaseOptions !== undefined && shardCount > 1) {
      this.#elector = undefined;
      this.#coordinator = new ShardCoordinator({
        ...leaseOptions,
        shardCount,
        onShardGained: (shard, start) => this.#onStartedLeading(start.isResumed, shard),
        beforeHandBack: (shard, signal) => this.#registry.saveShard(shard, signal),
        onShardLost: (shard) => {
          this.#log.warn(
            { identity: options.identity, shard },
            'stopped holding a shard; its targets stand by',
          );
          this.#dropStatusWritesNotOurs();
        },
        onShardHandedBack: (shard) => this.#releaseStatusesOf(shard),
      });
      this.#fence = this.#coordinator;
    } else if (leaseOptions !== undefined) {
      this.#elector = new LeaseElector({
        ...leaseOptions,
        releaseOnStop: true,
        onStartedLeading: (start) => this.#onStartedLeading(start.isResumed),
        onStoppedLeading: () => {
          this.#log.warn({ identity: options.identity }, 'stopped leading; workers stand by');
          this.#dropStatusWritesNotOurs();
        },
        onNewLeader: (holder) => this.#log.info({ leader: holder }, 'new leader observed'),
      });
      this.#fence = this.#elector;
    } else {
      this.#elector = undefined;
      this.#fence = alwaysLeader;
    }

    this.#statusWriter = new StatusWriter({
      patcher: createStatusPatcher(clients.kubeConfig),
      clock,
      registry,
      logger,
      // The book already samples figures per cluster's statusUpdatePeriod; this only stops hot loops.
      statusUpdatePeriodMs: 1000,
      writesPerSecond: options.statusWritesPerSecond ?? 20,
      // The status book decides what to offer; this drops what was queued before this replica lost the object.
      mayWrite: (ref) => this.#mayWriteStatusOf(pacingKindRefOf(ref)),
      // Kept by the book: a Lease taken back from nobody offers the change again, still urgent.
      onUrgentDropped: (ref) => this.#book.markUrgentUnwritten(pacingKindRefOf(ref)),
      ...(options.statusRefreshWritesPerSecond === undefined
        ? {}
        : { refreshWritesPerSecond: options.statusRefreshWritesPerSecond }),
      ...(options.statusRefreshWindowMs === undefined
        ? {}
        : { refreshWindowMs: options.statusRefreshWindowMs }),
    });
    const transitions = controllerMetrics(registry).conditionTransitions;
    this.#book = new PacingStatusBook({
      writer: createPacingStatusSubmitter(this.#statusWriter),
      events: options.events,
      nowMs: () => clock.nowMs(),
      isLeader: (ref) => this.#mayWriteStatusOf(ref),
      identity: options.identity,
      onTransition: (kind, condition) =>
        transitions.inc({ kind, type: condition.type, reason: condition.reason }),
      ...(this.#coordinator === undefined
        ? {}
        : { clusterFields: () => ({ shards: this.#coordinator?.holders() ?? [] }) }),
    });
    const clusterValidations = new ClusterValidationCache();
    const alarmManager = new AlarmManager({
      sinks: [new AlarmMetricsSink(registry), new AlarmStatusSink(this.#book, options.events)],
      logger,
    });
    const alarmSink = new AlarmOutcomeSink({
      manager: alarmManager,
      settingsFor: (clusterKey) => {
        const object = clusters.get(clusterKey);
        const validation = object === undefined ? undefined : clusterValidations.validate(object);
        if (!validation?.isValid) return undefined;
        return {
          thresholds: validation.cluster.spec.alarms,
          detectAfterMs: validation.durationsMs.alarmDetectAfterMs,
        };
      },
      ...(options.runtime ? { runtime: options.runtime } : {}),
      nowMs: () => clock.nowMs(),
    });
    const sink = fanOutSinks([this.#book, alarmSink, ...(options.extraSinks ?? [])], logger);
    const stateStore = new ConfigMapLearnedStateStore({
      core: clients.core,
      namespace: options.stateNamespace,
      logger,
    });
    const buildWorker = options.createWorkerFactory({
      fence: this.#fence,
      sink,
      stateStore,
      cycleGate: joinCycleGates([{ enter: () => this.#statusWriter.hold() }, ...(options.cycleGates ?? [])]),
    });

    const enqueueTargetsOf = (namespace: string, clusterName: string): void => {
      for (const target of targets.list(namespace)) {
        if (clusterRefOf(target) === clusterName) this.#targetQueue.add(keyOf(target));
      }
    };
    this.#loops = [
      new ReconcileLoop({
        name: 'pacingcluster',
        queue: this.#clusterQueue,
        reconcile: createPacingClusterReconciler({
          clusters,
          secrets,
          registry: this.#registry,
          book: this.#book,
          buildWorker,
          enqueueTargetsOf,
          logger,
        }),
        clock,
        registry,
        logger,
      }),
      new ReconcileLoop({
        name: 'pacingtarget',
        queue: this.#targetQueue,
        reconcile: createPacingTargetReconciler({
          targets,
          clusters,
          registry: this.#registry,
          book: this.#book,
          logger,
          clusterValidations,
          requeue: (key) => this.#targetQueue.add(key),
        }),
        concurrency: 2,
        clock,
        registry,
        logger,
      }),
    ];

    // Handlers only enqueue keys (a throw here would kill the process; the informer shields it anyway).
    for (const informer of this.#clusterInformers)
      informer.onEvent((event) => this.#clusterQueue.add(event.key));
    for (const informer of this.#targetInformers)
      informer.onEvent((event) => this.#targetQueue.add(event.key));
    for (const informer of this.#secretInformers) {
      informer.onEvent((event) => {
        const namespace = event.object.metadata?.namespace;
        const secretName = event.object.metadata?.name;
        if (namespace === undefined || secretName === undefined) return;
        for (const cluster of clusters.list(namespace)) {
          const validation = clusterValidations.validate(cluster);
          if (validation.isValid && secretNamesOf(validation.cluster).includes(secretName)) {
            this.#clusterQueue.add(keyOf(cluster));
          }
        }
      });
    }
  }

  /** True once every informer has listed its objects (the /readyz answer). */
  isReady(): boolean {
    return (
      this.#isStarted &&
      !this.#isStopping &&
      [...this.#clusterInformers, ...this.#targetInformers, ...this.#secretInformers].every((i) =>
        i.hasSynced(),
      )
    );
  }

  /** True while this instance holds a valid lease (always true without leader election). */
  isLeader(): boolean {
    return this.#fence.holdsValidLease(this.#o.clock.nowMs());
  }

  /** The worker registry (read-only use: tests, debug). */
  get workers(): WorkerRegistry {
    return this.#registry;
  }

  /** Starts informers, reconcilers and the election; resolves once the informers made their first attempt. */
  async start(): Promise<void> {
    if (this.#isStarted) return;
    this.#isStarted = true;
    // Secrets first: a cluster reconciled before its Secret is cached would report CredentialsMissing.
    await Promise.all(this.#secretInformers.map((i) => i.start()));
    await Promise.all(this.#clusterInformers.map((i) => i.start()));
    await Promise.all(this.#targetInformers.map((i) => i.start()));
    for (const loop of this.#loops) loop.start();
    this.#elector?.start();
    this.#coordinator?.start();
    this.#log.info(
      {
        identity: this.#o.identity,
        leaderElection: this.#o.leaderElection !== undefined,
        shards: this.#o.leaderElection?.shards ?? 1,
        watchNamespaces: this.#o.watchNamespaces.length > 0 ? this.#o.watchNamespaces : 'all',
      },
      'operator started',
    );
  }

  /**
   * Graceful stop, in the order that makes a handover quick and loses nothing: stop reconciling, stop every
   * worker (each saves its learned state while still leader), release the Lease (a standby takes over in about
   * a second), flush pending status writes, close the watches.
   */
  async stop(): Promise<void> {
    if (this.#isStopping) return;
    this.#isStopping = true;
    await Promise.all(this.#loops.map((loop) => loop.stop()));
    await this.#registry.stopAll();
    this.#log.info('workers stopped');
    await this.#elector?.stop();
    await this.#coordinator?.stop();
    await this.#statusWriter.close();
    await Promise.all(
      [...this.#clusterInformers, ...this.#targetInformers, ...this.#secretInformers].map((i) => i.close()),
    );
    this.#log.info('operator stopped');
  }

  /** The new holder writes those statuses now; ours would put an older view back (see StatusWriter.mayWrite). */
  #dropStatusWritesNotOurs(): void {
    const dropped = this.#statusWriter.forgetNotOurs();
    if (dropped > 0)
      this.#log.info({ dropped }, 'dropped queued status writes of objects another replica holds now');
  }

  /** A shard handed back is another replica's to write: the book drops what it kept for writing its targets. */
  #releaseStatusesOf(shard: number): void {
    const shards = this.#fence.shards;
    if (shards === undefined) return;
    const released = this.#book.release((ref) => statusShardOf(shards, ref) === shard);
    this.#log.info({ shard, released }, 'released the statuses of a shard handed back');
  }

  /** Status of a target belongs to the holder of its shard, of a cluster to the holder of shard 0. */
  #mayWriteStatusOf(ref: PacingObjectRef): boolean {
    const nowMs = this.#o.clock.nowMs();
    const shards = this.#fence.shards;
    if (shards === undefined) return this.#fence.holdsValidLease(nowMs);
    return shards.holdsShard(statusShardOf(shards, ref), nowMs);
  }

  #onStartedLeading(isResumed: boolean, shard?: number): void {
    this.#log.info({ identity: this.#o.identity, shard, isResumed }, 'started leading');
    this.#registry.leadershipGained();
    const shards = this.#fence.shards;
    const only =
      shard === undefined || shards === undefined
        ? undefined
        : (ref: PacingObjectRef) => statusShardOf(shards, ref) === shard;
    // The targets this start covers, as the informer caches list them.
    const targetsCovered: PacingObjectRef[] = [];
    for (const informer of this.#targetInformers) {
      for (const o of informer.list()) {
        const ref = targetRefOf(o);
        if (only === undefined || only(ref)) targetsCovered.push(ref);
      }
    }
    // Taken back from nobody, our own statuses stand: they are only offered again, in place of the writes dropped
    // when the Lease lapsed, and the book already holds what the reconcilers (which run while standing by too)
    // computed meanwhile. Reconciling every object again cost each 30,000-target replica 3-5 s of CPU after
    // every missed renewal, in the middle of its cycles.
    if (isResumed) {
      this.#book.reofferAll(only);
      // Targets first seen while the Lease lapsed are not in the book yet: their reconcile registers them.
      for (const ref of targetsCovered) {
        const key = `${ref.namespace}/${ref.name}`;
        if (!this.#book.knows('PacingTarget', key)) this.#targetQueue.add(key);
      }
      return;
    }
    // Gained from another holder: rewrite once, each target from the status its predecessor left (the cache has
    // it; targets the book did not keep while another replica wrote them get their entries here), then reconcile
    // what was gained so the spec conditions get written.
    this.#book.rewriteAll(only, (ref) => this.#targets.get(`${ref.namespace}/${ref.name}`), targetsCovered);
    const isGained = (o: AnyObject): boolean =>
      only === undefined ||
      only({ kind: 'PacingCluster', namespace: o.metadata?.namespace ?? '', name: o.metadata?.name ?? '' });
    for (const informer of this.#clusterInformers)
      for (const o of informer.list()) if (isGained(o)) this.#clusterQueue.add(keyOf(o));
    for (const ref of targetsCovered) this.#targetQueue.add(`${ref.namespace}/${ref.name}`);
  }
}

/** The shard whose holder writes an object's status: a target's own, shard 0 for a PacingCluster. */
function statusShardOf(shards: ShardFence, ref: PacingObjectRef): number {
  return ref.kind === 'PacingTarget' ? shards.shardOf(`${ref.namespace}/${ref.name}`) : 0;
}

/** The status book's reference to a cached PacingTarget. */
function targetRefOf(object: AnyObject): PacingObjectRef {
  const meta = object.metadata;
  return { kind: 'PacingTarget', namespace: meta?.namespace ?? '', name: meta?.name ?? '', uid: meta?.uid };
}

function keyOf(object: AnyObject): string {
  const meta = object.metadata;
  return meta?.namespace ? `${meta.namespace}/${meta.name ?? ''}` : (meta?.name ?? '');
}

function clusterRefOf(target: unknown): string | undefined {
  const spec = (target as { spec?: { clusterRef?: { name?: unknown } } }).spec;
  const name = spec?.clusterRef?.name;
  return typeof name === 'string' ? name : undefined;
}

/** One gate that enters every gate of `gates` and, when the cycle ends, leaves them all. */
function joinCycleGates(gates: readonly CycleGate[]): CycleGate {
  if (gates.length === 1) return gates[0]!;
  return {
    enter: () => {
      const leaves = gates.map((gate) => gate.enter());
      return () => {
        for (const leave of leaves) leave();
      };
    },
  };
}
