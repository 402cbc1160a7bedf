import pino from 'pino';
import type {
  AllowanceAnswer,
  AllowanceRequest,
  ClusterConfig,
  CycleOutcome,
  CycleOutcomeSink,
  DecisionInput,
  DecisionOutput,
  EngagementExchange,
  EngineStatsSelection,
  EngineStatsSnapshot,
  LearnedStateStore,
  PacingDecider,
  PersistedPacingState,
  ShardFence,
  StatsSource,
  TargetConfig,
} from '../../../src/engine/index.js';
import type { FakeClock } from './fake-clock.js';

/** A cluster config with test defaults; override what the case is about. */
export function aClusterConfig(overrides: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    key: 'tenant-a/main',
    clusterId: 'main',
    refreshPeriodMs: 1000,
    statsStaleAfterMs: 5000,
    policy: 'progressive',
    cycleTimeoutMs: 5000,
    stateSaveIntervalMs: 10_000,
    ...overrides,
  };
}

/** A target with test defaults. */
export function aTarget(name: string, overrides: Partial<TargetConfig> = {}): TargetConfig {
  return {
    key: `tenant-a/${name}`,
    id: `${name}:chat`,
    virtualQueue: name,
    media: 'chat',
    optimizationGoalPercent: 3,
    groups: [{ name: `${name}-agents`, agents: ['a-1'] }],
    isPaused: false,
    ...overrides,
  };
}

/** A statistics source answering a snapshot taken `ageMs` before the clock's now, after `delayMs`. */
export class FakeStats implements StatsSource {
  ageMs = 0;
  delayMs = 0;
  failure: Error | undefined;
  agents: EngineStatsSnapshot['agents'] = [];
  virtualQueues: EngineStatsSnapshot['virtualQueues'] = [];
  calls = 0;
  running = 0;
  maxRunning = 0;

  constructor(private readonly clock: FakeClock) {}

  /** The selection each fetch asked for (undefined: the whole snapshot). */
  readonly selections: (EngineStatsSelection | undefined)[] = [];
  /** Says which selection each answer answers, as a source taking the query does (its agents are not filtered). */
  answersSelection = false;

  async fetch(signal: AbortSignal, selection?: EngineStatsSelection): Promise<EngineStatsSnapshot> {
    this.calls += 1;
    this.selections.push(selection);
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.delayMs > 0) await this.clock.sleep(this.delayMs, signal);
      signal.throwIfAborted();
      if (this.failure !== undefined) throw this.failure;
      return {
        snapshotTime: new Date(this.clock.nowMs() - this.ageMs).toISOString(),
        agents: this.agents,
        virtualQueues: this.virtualQueues,
        ...(this.answersSelection && selection !== undefined ? { selectedBy: selection } : {}),
      };
    } finally {
      this.running -= 1;
    }
  }
}

/** An engagement platform that records every request and answers each target with `pending`. */
export class FakeEngagement implements EngagementExchange {
  readonly requests: AllowanceRequest[] = [];
  failure: Error | undefined;
  rejected = new Set<string>();
  /** Targets refused as a fencing platform refuses a late publish (error STALE_FENCE). */
  staleFence = new Set<string>();
  pending = 2;

  async exchange(request: AllowanceRequest): Promise<AllowanceAnswer> {
    if (this.failure !== undefined) throw this.failure;
    this.requests.push(request);
    return {
      cycleId: request.cycleId,
      targets: request.targets.map((t) => ({
        id: t.id,
        pending: this.pending,
        sentTotal: 0,
        acceptedTotal: 0,
        declinedTotal: 0,
        expiredTotal: 0,
        error: this.staleFence.has(t.id)
          ? { code: 'STALE_FENCE', message: 'fencing token 5 is older than 9, already applied' }
          : this.rejected.has(t.id)
            ? { code: 'UnknownTarget', message: 'no such queue' }
            : undefined,
      })),
    };
  }
}

/** A decider that allows `invites[id]` (default 4) and counts its calls in the learned state. */
export class FakeDecider implements PacingDecider {
  invites: Record<string, number> = {};
  failure: Error | undefined;
  readonly inputs: DecisionInput[] = [];

  decide(input: DecisionInput): DecisionOutput {
    this.inputs.push(input);
    if (this.failure !== undefined) throw this.failure;
    const learned: Record<string, unknown> = {};
    for (const t of input.targets) {
      const previous = input.learnedState[t.id] as { cycles?: number } | undefined;
      learned[t.id] = { cycles: (previous?.cycles ?? 0) + 1 };
    }
    return {
      targets: input.targets.map((t) => ({
        id: t.id,
        invites: this.invites[t.id] ?? 4,
        reason: 'Paced',
        message: 'ok',
        figures: { freeSlots: 5, busySlots: 1, waiting: 0, pending: 0 },
      })),
      learnedState: learned,
    };
  }
}

/** A sink that keeps everything it is told. */
export class RecordingSink implements CycleOutcomeSink {
  readonly outcomes: CycleOutcome[] = [];
  readonly skipped: { count: number; reason: string }[] = [];
  readonly stopped: string[] = [];

  cycleCompleted(outcome: CycleOutcome): void {
    this.outcomes.push(outcome);
  }

  cyclesSkipped(_clusterKey: string, count: number, reason: 'Overrun' | 'NotLeader'): void {
    this.skipped.push({ count, reason });
  }

  workerStopped(clusterKey: string): void {
    this.stopped.push(clusterKey);
  }
}

/** A learned-state store in memory. */
export class MemoryStateStore implements LearnedStateStore {
  saved: PersistedPacingState | undefined;
  saves = 0;

  async load(): Promise<PersistedPacingState | undefined> {
    return this.saved;
  }

  async save(state: PersistedPacingState): Promise<void> {
    this.saves += 1;
    this.saved = structuredClone(state);
  }
}

/** A fence whose answer the test flips. */
export class SwitchFence {
  isHolding = true;
  /** What exclusiveSinceMs answers (undefined: unknown, so a takeover waits for the next slot). */
  exclusiveSince: number | undefined;
  /** What fencingToken answers (undefined: no token is sent). */
  token: string | undefined;
  holdsValidLease(): boolean {
    return this.isHolding;
  }
  exclusiveSinceMs(): number | undefined {
    return this.exclusiveSince;
  }
  fencingToken(): string | undefined {
    return this.token;
  }
  /** What isResumedHold answers: the hold took back a lapsed one of this instance's own. */
  isResumed = false;
  isResumedHold(): boolean {
    return this.isHolding && this.isResumed;
  }
}

/** A sharded fence: the shard of a target is fixed by the test, and so is which shards are held. */
export class ShardSwitchFence {
  held = new Set<number>();
  readonly heldSince = new Map<number, number>();
  /** Fencing token per held shard. */
  readonly tokens = new Map<number, string>();
  /** Shards whose current hold took back a lapsed one of this instance's own. */
  readonly resumed = new Set<number>();
  readonly shards: ShardFence;

  constructor(shardByKey: Readonly<Record<string, number>>, count: number) {
    this.shards = {
      count,
      shardOf: (key) => shardByKey[key] ?? 0,
      holdsShard: (shard) => this.held.has(shard),
      exclusiveSinceMs: (shard) => this.heldSince.get(shard),
      fencingToken: (shard) => this.tokens.get(shard),
      isResumedHold: (shard) => this.held.has(shard) && this.resumed.has(shard),
    };
  }

  holdsValidLease(): boolean {
    return this.held.size > 0;
  }
}

/** A learned-state store keeping one state per shard, like the ConfigMap store does. */
export class ShardedMemoryStateStore implements LearnedStateStore {
  readonly saved = new Map<number | undefined, PersistedPacingState>();

  async load(_key: string, _signal: AbortSignal, shard?: number): Promise<PersistedPacingState | undefined> {
    return this.saved.get(shard);
  }

  async save(state: PersistedPacingState): Promise<void> {
    this.saved.set(state.shard, structuredClone(state));
  }
}

/** A silent logger. */
export const silentLogger = pino({ level: 'silent' });
