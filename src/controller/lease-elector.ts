import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { apiErrorStatus } from './api-error-status.js';
import type { CancelTimer, Clock } from './clock.js';
import { controllerMetrics, type ControllerMetrics } from './controller-metrics.js';
import { ControllerConfigError } from './errors.js';
import type { LeaseClient } from './lease-client.js';
import { leaseRecordText } from './lease-record.js';
import { pacingApiGroup } from '../api/api-group.js';
import { isFencingToken } from '../api/protocol/index.js';

/**
 * Annotation in which a holder states its renew deadline, so a candidate taking over an expired Lease knows how
 * long before expiry the old holder stopped acting (see {@link LeaseElector.exclusiveSinceMs}).
 */
export const RENEW_DEADLINE_ANNOTATION = `${pacingApiGroup}/renew-deadline-ms`;

/** Waiting this much past the computed expiry absorbs timer rounding. */
const EXPIRY_MARGIN_MS = 10;

/** Default lease timings, controller-runtime's: safe for a 2 s retry with API latency under a few seconds. */
export const DEFAULT_LEASE_TIMINGS = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** Options of a {@link LeaseElector}. */
export interface LeaseElectorOptions {
  /** Namespace of the Lease. */
  namespace: string;
  /** Lease name, e.g. `agent-pacing-operator` or, per shard, {@link shardLeaseName}. */
  name: string;
  /** This process's unique identity, see {@link leaseHolderIdentity}. */
  identity: string;
  /** Lease API. */
  leaseClient: LeaseClient;
  /** Source of time and timers. */
  clock: Clock;
  /** Random source in [0, 1) for retry jitter. Default Math.random. */
  random?: () => number;
  /** Registry for leader_election_master_status{name} and leader_election_slowpath_total{name}. */
  registry: Registry;
  /** Logger; lines carry `lease` and `identity`. */
  logger: Logger;
  /** How long a holder's claim lasts without renewal, as judged by other candidates. Default 15 000 ms. */
  leaseDurationMs?: number;
  /** The leader stops leading when no renewal succeeded for this long. Default 10 000 ms. */
  renewDeadlineMs?: number;
  /** Wait between acquire/renew attempts (acquire is jittered ×1.2). Default 2 000 ms. */
  retryPeriodMs?: number;
  /** Release the Lease on {@link LeaseElector.stop} so a standby takes over in ~1 s. Default true. */
  releaseOnStop?: boolean;
  /**
   * Called (synchronously) when this process becomes leader. `isResumed`: it led before and took back a Lease
   * whose record still named it, so nobody else held the Lease in between (a renewal missed, then made good).
   * Must not throw; throws are logged.
   */
  onStartedLeading?: (start: { readonly isResumed: boolean }) => void;
  /** Called (synchronously) when leadership ends: lost, deadline passed or stopped. Must not throw. */
  onStoppedLeading?: () => void;
  /** Called when the observed holder changes (including to ourselves). Must not throw. */
  onNewLeader?: (identity: string) => void;
  /**
   * Asked right before creating the Lease or taking it over from another (or no) holder; false keeps watching
   * without writing. Renewing a Lease we hold is never gated. Sharding uses it to cap a replica at its fair share.
   */
  mayAcquire?: () => boolean;
}

/** A Lease holder identity like client-go's: `<hostname>_<8 random hex digits>`. */
export function leaseHolderIdentity(hostname: string, random: () => number): string {
  const suffix = Math.floor(random() * 0x1_0000_0000)
    .toString(16)
    .padStart(8, '0');
  return `${hostname}_${suffix}`;
}

/** Name of the Lease of shard `index` of `base`: `<base>-shard-<index>`. */
export function shardLeaseName(base: string, index: number): string {
  return `${base}-shard-${index}`;
}

/** Checks lease timings the way client-go does (duration > deadline > 1.2 × retry, all positive). */
export function validateLeaseTimings(t: {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}): void {
  if (!(t.retryPeriodMs > 0)) throw new ControllerConfigError('leader election: retryPeriodMs must be > 0');
  if (!(t.leaseDurationMs > t.renewDeadlineMs)) {
    throw new ControllerConfigError('leader election: leaseDurationMs must be greater than renewDeadlineMs');
  }
  if (!(t.renewDeadlineMs > 1.2 * t.retryPeriodMs)) {
    throw new ControllerConfigError(
      'leader election: renewDeadlineMs must be greater than 1.2 × retryPeriodMs',
    );
  }
  if (t.leaseDurationMs % 1000 !== 0) {
    // The Lease stores whole seconds; a fractional duration would be judged differently by other candidates.
    throw new ControllerConfigError('leader election: leaseDurationMs must be a whole number of seconds');
  }
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, ported from client-go's `leaderelection` package.
 * Expiry of another holder is judged from the local time at which we last saw its record change, never
 * from its timestamps, so clock skew between nodes does not matter. Writes carry the read resourceVersion
 * (409 = someone else won). Several electors (one per shard Lease) can run in one process.
 *
 * After losing the lease the elector goes back to trying to acquire it; a process that must restart on loss
 * (controller-runtime's behaviour) does so from `onStoppedLeading`.
 */
export class LeaseElector {
  readonly #o: Required<
    Omit<
      LeaseElectorOptions,
      'onStartedLeading' | 'onStoppedLeading' | 'onNewLeader' | 'random' | 'mayAcquire'
    >
  > &
    Pick<LeaseElectorOptions, 'onStartedLeading' | 'onStoppedLeading' | 'onNewLeader' | 'mayAcquire'> & {
      random: () => number;
    };
  readonly #metrics: ControllerMetrics;
  readonly #log: Logger;
  readonly #abort = new AbortController();
  #run: Promise<void> | undefined;
  #leading = false;
  /** This instance has led at some time: a record naming it was then written by this process, not a previous one. */
  #hasLed = false;
  /** The last acquisition took back a record that still named this instance, after it had led. */
  #isResuming = false;
  /** The current hold began as a resume (see isResumedHold). */
  #isHoldResumed = false;
  #lastRenewMs = Number.NEGATIVE_INFINITY;
  #attemptStartedMs = Number.NEGATIVE_INFINITY;
  #exclusiveSinceMs: number | undefined;
  #takenOverAtMs: number | undefined;
  #deadlineTimer: CancelTimer | undefined;
  #observedLease: V1Lease | undefined;
  #observedRecord = '';
  #observedTimeMs = Number.NEGATIVE_INFINITY;
  #observedHolder = '';
  #writtenVersion: string | undefined;

  /** @throws ControllerConfigError for timings out of order or an empty identity/name. */
  constructor(options: LeaseElectorOptions) {
    const o = {
      ...DEFAULT_LEASE_TIMINGS,
      releaseOnStop: true,
      random: Math.random,
      ...options,
    };
    validateLeaseTimings(o);
    if (!o.identity) throw new ControllerConfigError('leader election: identity must not be empty');
    if (!o.name || !o.namespace)
      throw new ControllerConfigError('leader election: lease name and namespace required');
    this.#o = o;
    this.#metrics = controllerMetrics(o.registry);
    this.#metrics.leaderStatus.set({ name: o.name }, 0);
    this.#log = o.logger.child({ lease: `${o.namespace}/${o.name}`, identity: o.identity });
  }

  /** Starts campaigning in the background; no effect when already started. */
  start(): void {
    this.#run ??= this.#campaign();
  }

  /** True while this process believes it leads (see {@link holdsValidLease} before acting on it). */
  isLeader(): boolean {
    return this.#leading;
  }

  /**
   * The fencing check to call right before a leader-only action: true only while leading and less than
   * renewDeadlineMs has passed since the last successful renewal at `nowMs`. The renewal counts from when its
   * request was sent, not answered, so the deadline never outlives what a candidate can observe.
   */
  holdsValidLease(nowMs: number = this.#o.clock.nowMs()): boolean {
    return this.#leading && nowMs - this.#lastRenewMs < this.#o.renewDeadlineMs;
  }

  /**
   * While leading: the earliest time from which no earlier holder can have acted under this Lease. It is the
   * acquire time, except after taking over a Lease that expired without release: the old holder's fence closed
   * its renew deadline after its last renewal was sent, which is at least (its lease duration − its renew
   * deadline) before our acquire, since we waited a full lease duration after seeing that renewal. Undefined when
   * not leading.
   */
  exclusiveSinceMs(): number | undefined {
    return this.#leading ? this.#exclusiveSinceMs : undefined;
  }

  /**
   * While leading: whether this hold resumed one of this process's own that had lapsed (a record still naming it,
   * taken back from nobody; see `onStartedLeading`). What it kept from its previous hold is then still the
   * newest: nobody else acted under the Lease in between.
   */
  isResumedHold(): boolean {
    return this.#leading && this.#isHoldResumed;
  }

  /**
   * While leading: the fencing token to send with what this lease entitles us to publish, the resourceVersion of
   * our latest successful write to the Lease (see FencingTokenSchema for why a later holder's is always larger).
   * Undefined when not leading, or when the API server's resourceVersions are not comparable integers.
   */
  fencingToken(): string | undefined {
    return this.#leading ? this.#writtenVersion : undefined;
  }

  /** The holder identity last observed on the Lease ('' when none). */
  leaderIdentity(): string {
    return this.#observedHolder;
  }

  /** Stops campaigning; when leading, stops leading and (by default) releases the Lease. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#run;
    const wasLeading = this.#leading;
    this.#stopLeading('stopped');
    if (wasLeading && this.#o.releaseOnStop) await this.#release();
  }

  async #campaign(): Promise<void> {
    const { clock, retryPeriodMs } = this.#o;
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      // Acquire: retry every retryPeriod with jitter so candidates do not hammer the API in step.
      while (!signal.aborted && !(await this.#attempt())) {
        await clock.sleep(this.#acquireWaitMs(retryPeriodMs * (1 + this.#o.random() * 1.2)), signal);
      }
      if (signal.aborted) break;
      this.#startLeading();
      // Renew every retryPeriod; the deadline timer ends leadership on its own if renewals stall.
      while (!signal.aborted && this.#leading) {
        await clock.sleep(retryPeriodMs, signal);
        if (signal.aborted || !this.#leading) break;
        if (await this.#attempt()) {
          if (this.#leading) this.#renewed(this.#attemptStartedMs);
        } else if (clock.nowMs() - this.#lastRenewMs >= this.#o.renewDeadlineMs) {
          this.#stopLeading('renew deadline passed');
        }
      }
    }
  }

  /**
   * How long to wait before the next acquire attempt: the jittered retry period, or less when the observed
   * holder's Lease expires (by our clock) sooner, so a dead holder is replaced at expiry and not up to one retry
   * period later. Expiry is still judged as client-go does, from when we saw the record change.
   */
  #acquireWaitMs(jitteredRetryMs: number): number {
    const spec = this.#observedLease?.spec;
    const holder = spec?.holderIdentity ?? '';
    if (holder === '' || holder === this.#o.identity) return jitteredRetryMs;
    const expiresAtMs = this.#observedTimeMs + (spec?.leaseDurationSeconds ?? 0) * 1000;
    const untilExpiryMs = expiresAtMs - this.#o.clock.nowMs();
    // Already expired but not taken (fair share said no, or another candidate won): the normal pace.
    if (untilExpiryMs <= 0) return jitteredRetryMs;
    return Math.min(jitteredRetryMs, untilExpiryMs + EXPIRY_MARGIN_MS);
  }

  async #attempt(): Promise<boolean> {
    this.#attemptStartedMs = this.#o.clock.nowMs();
    try {
      return await this.#withTimeout(this.#tryAcquireOrRenew());
    } catch (err) {
      this.#log.warn({ err }, 'lease acquire/renew attempt failed');
      return false;
    }
  }

  // client-go's tryAcquireOrRenew; returns true when we hold the lease after the call.
  async #tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity, leaseClient, clock } = this.#o;
    const leaseDurationSeconds = this.#o.leaseDurationMs / 1000;
    const now = clock.nowMs();

    // 1. Fast path: we lead and our view of the lease is locally valid → update it without a GET.
    if (this.#leading && this.#observedLease && now < this.#observedTimeMs + this.#o.leaseDurationMs) {
      const spec = this.#observedLease.spec ?? {};
      try {
        const written = await leaseClient.replace(namespace, name, {
          ...this.#withDeadlineAnnotation(this.#observedLease),
          spec: { ...spec, holderIdentity: identity, leaseDurationSeconds, renewTime: new V1MicroTime(now) },
        });
        this.#wrote(written, clock.nowMs());
        return true;
      } catch (err) {
        this.#metrics.leaderSlowpath.inc({ name });
        this.#log.debug({ err }, 'lease fast-path renew failed; reading the lease');
      }
    }

    // 2. Read, creating it when missing.
    const current = await leaseClient.get(namespace, name);
    if (!current) {
      if (!this.#mayAcquire()) return false;
      const created = await leaseClient.create(namespace, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace, annotations: this.#deadlineAnnotations(undefined) },
        spec: {
          holderIdentity: identity,
          leaseDurationSeconds,
          acquireTime: new V1MicroTime(now),
          renewTime: new V1MicroTime(now),
          leaseTransitions: 0,
        },
      });
      this.#wrote(created, clock.nowMs());
      this.#takenOverAtMs = undefined;
      this.#isResuming = false;
      return true;
    }

    // 3. Only a changed record restarts the local expiry clock, from when the read returned (as client-go): a
    //    record written during the read was seen no earlier than it was written.
    this.#observe(current, clock.nowMs());
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const holderDurationMs = (spec.leaseDurationSeconds ?? 0) * 1000;

    // 4. Someone else holds a lease that is still valid by our clock.
    if (holder !== '' && holder !== identity && now < this.#observedTimeMs + holderDurationMs) return false;

    // 5. Take it over (or renew it), keeping acquireTime and transitions when it was already ours.
    const ours = holder === identity;
    if (!ours && !this.#mayAcquire()) return false;
    const expiredHolder = holder !== '' && !ours;
    const updated: V1Lease = {
      ...this.#withDeadlineAnnotation(current),
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds,
        acquireTime: ours && spec.acquireTime ? spec.acquireTime : new V1MicroTime(now),
        renewTime: new V1MicroTime(now),
        leaseTransitions: ours ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
      },
    };
    try {
      this.#wrote(await leaseClient.replace(namespace, name, updated), clock.nowMs());
      this.#takenOverAtMs = undefined;
      // A replace is conditional on the record read, so a record still naming us is our own last write.
      this.#isResuming = ours && this.#hasLed && !this.#leading;
      if (!this.#leading && expiredHolder) {
        // The old holder stopped acting its renew deadline after sending its last renewal, which we waited
        // a full lease duration past seeing: that head start is safe to claim (0 when its deadline is unknown).
        const renewDeadlineMs = Number(current.metadata?.annotations?.[RENEW_DEADLINE_ANNOTATION]);
        const headStartMs = Number.isFinite(renewDeadlineMs) ? holderDurationMs - renewDeadlineMs : 0;
        this.#takenOverAtMs = now - Math.max(0, headStartMs);
      }
      return true;
    } catch (err) {
      if (apiErrorStatus(err) === 409) return false;
      throw err;
    }
  }

  #mayAcquire(): boolean {
    try {
      return this.#o.mayAcquire?.() ?? true;
    } catch (err) {
      this.#log.error({ err }, 'leader election mayAcquire threw; not acquiring');
      return false;
    }
  }

  /** Observes a Lease this elector just wrote as holder: its resourceVersion becomes the fencing token. */
  #wrote(lease: V1Lease, nowMs: number): void {
    this.#observe(lease, nowMs);
    const version = lease.metadata?.resourceVersion;
    this.#writtenVersion = version !== undefined && isFencingToken(version) ? version : undefined;
  }

  #observe(lease: V1Lease, nowMs: number): void {
    const record = leaseRecordText(lease.spec);
    this.#observedLease = lease;
    if (record !== this.#observedRecord) {
      this.#observedRecord = record;
      this.#observedTimeMs = nowMs;
    }
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder !== this.#observedHolder) {
      this.#observedHolder = holder;
      if (holder) this.#callback('onNewLeader', () => this.#o.onNewLeader?.(holder));
    }
  }

  #withDeadlineAnnotation(lease: V1Lease): V1Lease {
    return {
      ...lease,
      metadata: { ...lease.metadata, annotations: this.#deadlineAnnotations(lease.metadata?.annotations) },
    };
  }

  #deadlineAnnotations(annotations: Record<string, string> | undefined): Record<string, string> {
    return { ...annotations, [RENEW_DEADLINE_ANNOTATION]: String(this.#o.renewDeadlineMs) };
  }

  #startLeading(): void {
    this.#leading = true;
    this.#exclusiveSinceMs = this.#takenOverAtMs ?? this.#attemptStartedMs;
    this.#renewed(this.#attemptStartedMs);
    this.#metrics.leaderStatus.set({ name: this.#o.name }, 1);
    const isResumed = this.#isResuming;
    this.#isHoldResumed = isResumed;
    this.#hasLed = true;
    this.#log.info({ isResumed }, 'started leading');
    this.#callback('onStartedLeading', () => this.#o.onStartedLeading?.({ isResumed }));
  }

  /** Records a renewal whose request was sent at `sentAtMs`; the deadline counts from then. */
  #renewed(sentAtMs: number): void {
    this.#lastRenewMs = sentAtMs;
    this.#deadlineTimer?.();
    // Fires even while a renewal request hangs, so workers stop at the deadline, not after a timeout.
    const remainingMs = sentAtMs + this.#o.renewDeadlineMs - this.#o.clock.nowMs();
    this.#deadlineTimer = this.#o.clock.setTimer(Math.max(0, remainingMs), () =>
      this.#stopLeading('renew deadline passed'),
    );
  }

  #stopLeading(reason: string): void {
    this.#deadlineTimer?.();
    this.#deadlineTimer = undefined;
    if (!this.#leading) return;
    this.#leading = false;
    this.#exclusiveSinceMs = undefined;
    this.#writtenVersion = undefined;
    this.#metrics.leaderStatus.set({ name: this.#o.name }, 0);
    this.#log.info({ reason }, 'stopped leading');
    this.#callback('onStoppedLeading', () => this.#o.onStoppedLeading?.());
  }

  // client-go release(): holder unset, 1 s duration, so a standby can take over at once.
  async #release(): Promise<void> {
    const { namespace, name, identity, leaseClient, clock } = this.#o;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const lease =
        attempt === 0 ? this.#observedLease : await this.#withTimeout(leaseClient.get(namespace, name));
      if (!lease || lease.spec?.holderIdentity !== identity) return;
      const now = new V1MicroTime(clock.nowMs());
      const { holderIdentity: _dropped, ...spec } = lease.spec;
      try {
        await this.#withTimeout(
          leaseClient.replace(namespace, name, {
            ...lease,
            spec: { ...spec, leaseDurationSeconds: 1, acquireTime: now, renewTime: now },
          }),
        );
        this.#log.info('released lease');
        return;
      } catch (err) {
        if (apiErrorStatus(err) !== 409) {
          this.#log.warn({ err }, 'lease release failed; others take over when it expires');
          return;
        }
      }
    }
  }

  // client-go bounds each call by max(1 s, renewDeadline / 2) so one hung request cannot eat the deadline.
  #withTimeout<T>(promise: Promise<T>): Promise<T> {
    const timeoutMs = Math.max(1000, this.#o.renewDeadlineMs / 2);
    return new Promise<T>((resolve, reject) => {
      const cancel = this.#o.clock.setTimer(timeoutMs, () =>
        reject(new Error(`lease request timed out after ${timeoutMs} ms`)),
      );
      promise.then(
        (value) => {
          cancel();
          resolve(value);
        },
        (err: unknown) => {
          cancel();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  #callback(which: string, run: () => void): void {
    try {
      run();
    } catch (err) {
      this.#log.error({ err, callback: which }, 'leader election callback threw');
    }
  }
}
