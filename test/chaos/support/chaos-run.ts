import type { PublicationRecord } from '../../../src/sim/reference-engagement-server.js';
import {
  applyObjects,
  buildOperator,
  conditionOf,
  examplesFor,
  startOperator,
  stopOperator,
  type OperatorProcess,
} from '../../support/operator-harness.js';
import { createTestNamespace } from '../../support/kubectl-runner.js';
import { eventuallyAsync as eventually, kubectlAsync } from './async-kubectl.js';
import {
  accountingOf,
  accountingProblems,
  findDoublePublications,
  findFencedPublications,
  longestOwnershipGaps,
  type AccountingBaseline,
  type OwnershipGap,
  type SavedStateView,
} from './chaos-invariants.js';
import { startChaosWorld, type ChaosWorld } from './chaos-world.js';

/** Lease timings of every chaos replica, as in the leader-election story: 4 s > 3 s > 1.2 × 0.5 s. */
export const LEASE_DURATION_MS = 4_000;
const leaseFlags = [
  '--leader-elect',
  '--lease-duration',
  '4s',
  '--renew-deadline',
  '3s',
  '--retry-period',
  '500ms',
];
/** Refresh period of the chaos cluster. */
export const CYCLE_MS = 1_000;
/** The targets of deploy/examples, by wire id. */
export const TARGET_IDS = ['Proactive Chat:chat', 'Proactive Voice:voice'] as const;
const LEASE_NAME = 'pacing-chaos-leader';

type Conditioned = Parameters<typeof conditionOf>[0];
interface Listed<T> {
  items: T[];
}
interface TargetObject {
  metadata: { name: string };
  status?: Conditioned['status'] & { lastUpdateTime?: string };
}
interface ClusterObject {
  status?: Conditioned['status'] & { lastCycleTime?: string; leaderIdentity?: string };
}

/** What the invariants said after one fault, for the report. */
export interface ScenarioFigures {
  readonly scenario: string;
  /** Longest stretch without a publication per target, from just before the fault to the end of recovery. */
  readonly gaps: readonly OwnershipGap[];
  /** Fault end → every target published again, and → everything Ready again with fresh status. */
  readonly publishingResumedAfterMs: number;
  readonly recoveredAfterMs: number;
  /** (cycle, target) pairs the platform received twice (must be empty). */
  readonly doublePublications: ReturnType<typeof findDoublePublications>;
  /** Publications the platform refused for a stale fencing token (empty unless a leader froze mid-publish). */
  readonly fencedPublications: ReturnType<typeof findFencedPublications>;
  /** Accounting identity violations in the first state saved after recovery (must be empty). */
  readonly accountingProblems: readonly string[];
  /** Cumulative counts the operator had counted in that state, per target (accepted/abandoned). */
  readonly counted: Readonly<Record<string, string>>;
  /** Publishers seen from the fault on. */
  readonly publishers: readonly string[];
}

/**
 * One chaos run: its own namespace, the reference servers over a live contact center, the deploy/examples tenant
 * pointed at them (1 s cycles, 5 s state saves) and a set of operator replicas sharing one Lease.
 */
export class ChaosRun {
  readonly replicas = new Map<string, OperatorProcess>();
  readonly #baseline = new Map<string, AccountingBaseline>();

  private constructor(
    readonly namespace: string,
    readonly world: ChaosWorld,
  ) {}

  /** Starts the world and `identities` replicas, applies the tenant and waits until it paces steadily. */
  static async start(prefix: string, identities: readonly string[]): Promise<ChaosRun> {
    buildOperator();
    const run = new ChaosRun(createTestNamespace(prefix), await startChaosWorld());
    const objects = examplesFor(run.namespace, run.world, '1s');
    for (const object of objects) {
      if (object.kind !== 'PacingCluster') continue;
      const spec = object.spec as Record<string, unknown>;
      spec.learnedStateSavePeriod = '5s';
      spec.statusUpdatePeriod = '2s';
    }
    for (const identity of identities) run.startReplica(identity);
    applyObjects(objects);
    await run.waitSteady();
    return run;
  }

  /** `namespace/name` of the PacingCluster, the clusterId on the wire. */
  get clusterId(): string {
    return `${this.namespace}/demo`;
  }

  /** Starts one replica (its identity must be new). */
  startReplica(identity: string): OperatorProcess {
    const replica = startOperator([
      '--watch-namespace',
      this.namespace,
      '--lease-namespace',
      this.namespace,
      '--lease-name',
      LEASE_NAME,
      '--identity',
      identity,
      ...leaseFlags,
    ]);
    this.replicas.set(identity, replica);
    return replica;
  }

  /** The Lease holder, or '' while the apiserver does not answer or nobody holds it. */
  async leaseHolder(): Promise<string> {
    const run = await kubectlAsync([
      'get',
      'lease',
      LEASE_NAME,
      '-n',
      this.namespace,
      '-o',
      'jsonpath={.spec.holderIdentity}',
    ]);
    return run.status === 0 ? run.stdout.trim() : '';
  }

  /** Waits for a Lease holder that is one of the running replicas and returns it. */
  async leader(timeoutMs = 60_000): Promise<string> {
    return eventually(
      'a running replica holding the Lease',
      async () => {
        const holder = await this.leaseHolder();
        const replica = this.replicas.get(holder);
        return replica && replica.child.exitCode === null && replica.child.signalCode === null
          ? holder
          : undefined;
      },
      timeoutMs,
    );
  }

  /** This cluster's publications, oldest first. */
  publications(): PublicationRecord[] {
    return this.world.engagement.publications().filter((p) => p.clusterId === this.clusterId);
  }

  /** Waits for the next publication received after now; returns it. */
  async nextPublication(timeoutMs = 30_000): Promise<PublicationRecord> {
    const count = this.publications().length;
    return eventually('the next publication', () => this.publications()[count], timeoutMs);
  }

  /** The saved learned state, or undefined when it cannot be read now. */
  async savedState(): Promise<SavedStateView | undefined> {
    const run = await kubectlAsync([
      'get',
      'configmap',
      `${this.namespace}.demo-pacing-state`,
      '-n',
      this.namespace,
      '-o',
      'jsonpath={.data.state\\.json}',
    ]);
    if (run.status !== 0 || run.stdout.trim() === '') return undefined;
    return JSON.parse(run.stdout) as SavedStateView;
  }

  /** True when the cluster and every target are Ready=True with a status written at or after `sinceMs`. */
  async isReadySince(sinceMs: number): Promise<boolean> {
    const [cluster, targets] = await Promise.all([
      this.#get<ClusterObject>(['pacingcluster', 'demo']),
      this.#get<Listed<TargetObject>>(['pacingtargets']),
    ]);
    if (!cluster || !targets || targets.items.length !== TARGET_IDS.length) return false;
    const fresh = (time: string | undefined) => time !== undefined && Date.parse(time) >= sinceMs;
    return (
      conditionOf(cluster, 'Ready')?.status === 'True' &&
      fresh(cluster.status?.lastCycleTime) &&
      targets.items.every(
        (t) => conditionOf(t, 'Ready')?.status === 'True' && fresh(t.status?.lastUpdateTime),
      )
    );
  }

  /**
   * Waits until every target was published three times in a row, everything is Ready and a saved state counts
   * both targets; records the accounting baseline (the source's counters before the operator's first reading)
   * the first time.
   */
  async waitSteady(timeoutMs = 90_000): Promise<void> {
    const since = Date.now();
    await eventually(
      'steady pacing (3 publications of every target, Ready, a saved state)',
      async () => {
        const recent = this.publications().filter((p) => p.receivedAtMs >= since);
        const isPublishing = TARGET_IDS.every(
          (id) => recent.filter((p) => p.targetIds.includes(id)).length >= 3,
        );
        if (!isPublishing || !(await this.isReadySince(since))) return undefined;
        const state = await this.savedState();
        const accounting = state ? accountingOf(state) : [];
        if (accounting.length !== TARGET_IDS.length) return undefined;
        for (const a of accounting) {
          if (!this.#baseline.has(a.targetId))
            this.#baseline.set(a.targetId, {
              accepted: a.readAccepted - a.countedAccepted,
              abandoned: a.readAbandoned - a.countedAbandoned,
            });
        }
        return true;
      },
      timeoutMs,
    );
  }

  /**
   * Checks every invariant after a fault that started at `faultStartMs` and ended at `faultEndMs`: waits (up to
   * `recoveryTimeoutMs`) for publishing of every target and fresh Ready status, then for a state saved after
   * that, and returns the figures. Assertions are left to the scenario.
   */
  async afterFault(
    scenario: string,
    faultStartMs: number,
    faultEndMs: number,
    recoveryTimeoutMs = 60_000,
  ): Promise<ScenarioFigures> {
    const resumedAtMs = await eventually(
      'every target published again after the fault',
      () => {
        const after = this.publications().filter((p) => p.receivedAtMs > faultEndMs);
        const firsts = TARGET_IDS.map((id) => after.find((p) => p.targetIds.includes(id))?.receivedAtMs);
        return firsts.every((t) => t !== undefined) ? Math.max(...(firsts as number[])) : undefined;
      },
      recoveryTimeoutMs,
    );
    await eventually(
      'Ready=True with fresh status',
      async () => ((await this.isReadySince(faultEndMs)) ? true : undefined),
      recoveryTimeoutMs,
    );
    const recoveredAtMs = Date.now();
    const state = await eventually(
      'a learned state saved after recovery',
      async () => {
        const saved = await this.savedState();
        return saved && saved.savedAtMs > resumedAtMs ? saved : undefined;
      },
      recoveryTimeoutMs,
    );
    const accounting = accountingOf(state);
    const records = this.publications();
    // The window opens one cycle before the fault so the stretch the fault cut into is measured whole.
    const windowStartMs = Math.max(
      ...records.filter((r) => r.receivedAtMs <= faultStartMs).map((r) => r.receivedAtMs),
      faultStartMs - CYCLE_MS,
    );
    const figures: ScenarioFigures = {
      scenario,
      gaps: longestOwnershipGaps(records, TARGET_IDS, windowStartMs, resumedAtMs),
      publishingResumedAfterMs: resumedAtMs - faultEndMs,
      recoveredAfterMs: recoveredAtMs - faultEndMs,
      doublePublications: findDoublePublications(records),
      fencedPublications: findFencedPublications(records),
      accountingProblems: [
        ...accountingProblems(accounting, this.#baseline, this.world.truth),
        ...(accounting.length === TARGET_IDS.length ? [] : ['the saved state lacks a target']),
      ],
      counted: Object.fromEntries(
        accounting.map((a) => [a.targetId, `${a.countedAccepted}/${a.countedAbandoned}`]),
      ),
      publishers: [...new Set(records.filter((r) => r.receivedAtMs >= faultStartMs).map((r) => r.publisher))],
    };
    process.stdout.write(`CHAOS ${JSON.stringify(figures)}\n`);
    return figures;
  }

  /** Stops every replica and the servers. */
  async close(): Promise<void> {
    for (const replica of this.replicas.values()) {
      // A SIGSTOPped replica would ignore SIGTERM until continued.
      replica.kill('SIGCONT');
    }
    await Promise.all([...this.replicas.values()].map((r) => stopOperator(r)));
    this.world.stats.faults.clear();
    this.world.engagement.faults.clear();
    await this.world.close();
  }

  async #get<T>(what: readonly string[]): Promise<T | undefined> {
    const run = await kubectlAsync(['get', ...what, '-n', this.namespace, '-o', 'json']);
    return run.status === 0 ? (JSON.parse(run.stdout) as T) : undefined;
  }
}
