import {
  matchesSkillExpression,
  parseSkillExpression,
  type AgentInput,
  type AgentMediaInput,
  type EngagementReportInput,
  type StatsSnapshotInput,
  type VirtualQueueInput,
} from '../pacing/index.js';
import { sampleDistribution } from './distribution-sampler.js';
import { ScenarioError } from './errors.js';
import { EventHeap } from './event-heap.js';
import { mixSeed, RandomStream } from './random-stream.js';
import {
  agentPoolSchema,
  scenarioTargetSchema,
  scenarioTargetId,
  virtualQueueName,
  type AgentPool,
  type Scenario,
  type ScenarioTarget,
} from './scenario.js';
import { SimulationRecorder } from './simulation-recorder.js';

const ACCEPT = 1;
const DECLINE = 2;
const EXPIRE = 3;
const ENQUEUE = 4;
const ABANDON = 5;
const FINISH = 6;
const WRAP_END = 7;
const REACTIVE_ARRIVAL = 8;
const LEAD_ARRIVAL = 9;
const SCENARIO_EVENT = 10;

const ROUTING = 0;
const WAITING = 1;
const SERVED = 2;
const ABANDONED = 3;

/** Stream kinds mixed into per-entity seeds. */
const STREAM_INVITE = 1;
const STREAM_REACTIVE = 2;
const STREAM_LEADS = 3;

/** Options of a {@link ContactCenter}. */
export interface ContactCenterOptions {
  /** Virtual time (seconds) the simulation starts at; scored time starts at 0 (so −warmup for a benchmark). */
  readonly startSeconds: number;
  /** Epoch ms that virtual time 0 maps to (snapshot times are `epochMsAtZero + t·1000`). */
  readonly epochMsAtZero: number;
  /** Scored seconds recorded per minute (Infinity or 0 records nothing, as in the live seam). */
  readonly recordSeconds: number;
}

/**
 * The discrete-event contact-center model: agents with per-media slots, targets with visitors who accept,
 * decline or let invitations expire, routing, FIFO queues with patience, reactive traffic, chat concurrency with
 * slowdown, wrap-up, agents logging in and out, and statistics gaps. Time only moves through {@link advanceTo};
 * invitations only come in through {@link sendInvites}, so the same model runs the benchmark (a policy loop in
 * virtual time) and the live reference servers (wall-clock time).
 *
 * Common random numbers: each invitation's fate (accept or not, delays, patience, handle time) comes from a
 * stream seeded by (seed, target, invitation number); reactive arrivals and leads from their own streams. Two
 * policies therefore meet the same visitors in the same order.
 */
export class ContactCenter {
  /** The recorder of the scored time. */
  readonly recorder: SimulationRecorder;
  readonly #seed: number;
  readonly #epochMsAtZero: number;
  readonly #heap = new EventHeap();
  readonly #event: [number, number, number, number] = [0, 0, 0, 0];
  #now: number;
  #lastAccrue: number;

  readonly #pools: AgentPool[];
  readonly #targets: ScenarioTarget[];
  readonly #events: Scenario['events'];
  readonly #targetIds: string[];
  readonly #mediaNames: string[];
  readonly #targetMedia: Int32Array;

  // Agents (index a) and their slots per media (index a·M + m).
  readonly #agentPool: Int32Array;
  readonly #agentIndexInPool: Int32Array;
  readonly #loggedIn: Uint8Array;
  readonly #capacity: Int32Array;
  readonly #load: Int32Array;
  readonly #agentTargets: number[][];
  readonly #targetAgents: Int32Array[];
  readonly #agentStatic: { id: string; groups: string[]; skills: Record<string, number> }[];

  // Levels for occupancy.
  #busyAll = 0;
  #staffedAll = 0;
  readonly #busyByTarget: Float64Array;
  readonly #staffedByTarget: Float64Array;

  // Per-target counters.
  readonly #sent: Float64Array;
  readonly #pending: Float64Array;
  readonly #inviteAccepted: Float64Array;
  readonly #declined: Float64Array;
  readonly #expired: Float64Array;
  readonly #queueAccepted: Float64Array;
  readonly #abandoned: Float64Array;
  readonly #answered: Float64Array;
  readonly #handleSeconds: Float64Array;
  readonly #waiting: Float64Array;
  readonly #queues: { items: number[]; head: number }[];
  readonly #reactiveQueues: { items: number[]; head: number }[];
  readonly #reactiveStreams: RandomStream[];
  readonly #reactiveGeneration: Int32Array;
  readonly #leadStreams: RandomStream[];
  readonly #leadGeneration: Int32Array;
  readonly #leads: { times: number[]; head: number }[];

  // Interactions (index i), structure of arrays.
  readonly #iTarget: number[] = [];
  readonly #iReactive: number[] = [];
  readonly #iEnqueued: number[] = [];
  readonly #iPatience: number[] = [];
  readonly #iRouting: number[] = [];
  readonly #iHandleSeed: number[] = [];
  readonly #iState: number[] = [];
  readonly #iAgent: number[] = [];
  readonly #iHandle: number[] = [];
  readonly #iWrap: number[] = [];

  #gapUntil = Number.NEGATIVE_INFINITY;
  #lastSnapshot: StatsSnapshotInput | undefined;
  /**
   * Each agent's object in the last snapshot, reused by the next while its media states are the same: a live
   * reference server captures 50,000 agents every few seconds, and most of them have not changed since.
   */
  readonly #agentObjects: AgentInput[] = [];
  /** Frozen media records by their states (keyed in {@link ContactCenter.#mediaRecordOf}): one per combination. */
  readonly #mediaRecords = new Map<number | string, AgentInput['media']>();

  constructor(scenario: Scenario, seed: number, options: ContactCenterOptions) {
    this.#seed = seed | 0;
    this.#epochMsAtZero = options.epochMsAtZero;
    this.#now = options.startSeconds;
    this.#lastAccrue = options.startSeconds;
    this.#pools = scenario.agents.map((pool) => structuredClone(pool));
    this.#targets = scenario.targets.map((target) => structuredClone(target));
    this.#events = scenario.events;
    this.#targetIds = this.#targets.map(scenarioTargetId);
    const media = new Set<string>();
    for (const pool of this.#pools) for (const m of Object.keys(pool.capacity)) media.add(m);
    for (const target of this.#targets) media.add(target.media);
    this.#mediaNames = [...media];
    const M = this.#mediaNames.length;
    this.#targetMedia = Int32Array.from(this.#targets.map((t) => this.#mediaNames.indexOf(t.media)));
    const T = this.#targets.length;
    this.recorder = new SimulationRecorder(T, options.recordSeconds);

    // Every agent a pool will ever have exists from the start; those beyond the current count are logged out.
    const poolSizes = this.#pools.map((pool) => {
      let size = pool.count;
      for (const event of scenario.events) {
        const count = event.pool === pool.pool ? event.set?.['count'] : undefined;
        if (typeof count === 'number') size = Math.max(size, count);
      }
      return size;
    });
    const n = poolSizes.reduce((a, b) => a + b, 0);
    this.#agentPool = new Int32Array(n);
    this.#agentIndexInPool = new Int32Array(n);
    this.#loggedIn = new Uint8Array(n);
    this.#capacity = new Int32Array(n * M);
    this.#load = new Int32Array(n * M);
    this.#agentStatic = [];
    let a = 0;
    this.#pools.forEach((pool, p) => {
      // One frozen list and record per pool, shared by its agents (and their snapshots): a source encoding the
      // table form then finds each team's by identity instead of comparing 50,000 copies.
      const groups = Object.freeze([...pool.groups]) as string[];
      const skills = Object.freeze({ ...pool.skills });
      for (let k = 0; k < poolSizes[p]!; k++, a++) {
        this.#agentPool[a] = p;
        this.#agentIndexInPool[a] = k;
        this.#agentStatic.push({ id: `${pool.pool}-${k + 1}`, groups, skills });
        this.#mediaNames.forEach((name, m) => (this.#capacity[a * M + m] = pool.capacity[name] ?? 0));
      }
    });
    // Eligibility is fixed by pool membership and skills (events do not change groups or skills). Named groups
    // come from an index, so a scenario of 10,000 targets over 50,000 agents does not test every pair.
    this.#agentTargets = Array.from({ length: n * M }, () => []);
    const agentsByGroup = new Map<string, number[]>();
    this.#agentStatic.forEach((agent, ag) => {
      for (const group of agent.groups) {
        const members = agentsByGroup.get(group);
        if (members) members.push(ag);
        else agentsByGroup.set(group, [ag]);
      }
    });
    this.#targetAgents = this.#targets.map((target, t) => {
      const m = this.#targetMedia[t]!;
      const expressions = target.agentGroups.flatMap((group) => {
        if ('group' in group) return [];
        try {
          return [parseSkillExpression(group.skillExpression)];
        } catch (error) {
          throw new ScenarioError(`target ${target.name}: ${String(error)}`, { cause: error });
        }
      });
      const eligible = new Set<number>();
      for (const group of target.agentGroups) {
        if ('group' in group) for (const ag of agentsByGroup.get(group.group) ?? []) eligible.add(ag);
      }
      for (const expr of expressions) {
        for (let ag = 0; ag < n; ag++) {
          if (matchesSkillExpression(expr, this.#agentStatic[ag]!.skills)) eligible.add(ag);
        }
      }
      const members = [...eligible].filter((ag) => this.#capacity[ag * M + m]! > 0).sort((a, b) => a - b);
      for (const ag of members) this.#agentTargets[ag * M + m]!.push(t);
      return Int32Array.from(members);
    });
    this.#busyByTarget = new Float64Array(T);
    this.#staffedByTarget = new Float64Array(T);
    const perTarget = (): Float64Array => new Float64Array(T);
    this.#sent = perTarget();
    this.#pending = perTarget();
    this.#inviteAccepted = perTarget();
    this.#declined = perTarget();
    this.#expired = perTarget();
    this.#queueAccepted = perTarget();
    this.#abandoned = perTarget();
    this.#answered = perTarget();
    this.#handleSeconds = perTarget();
    this.#waiting = perTarget();
    this.#queues = this.#targets.map(() => ({ items: [], head: 0 }));
    this.#reactiveQueues = this.#targets.map(() => ({ items: [], head: 0 }));
    this.#reactiveStreams = this.#targets.map(
      (_, t) => new RandomStream(mixSeed(this.#seed, t, STREAM_REACTIVE)),
    );
    this.#reactiveGeneration = new Int32Array(T);
    this.#leadStreams = this.#targets.map((_, t) => new RandomStream(mixSeed(this.#seed, t, STREAM_LEADS)));
    this.#leadGeneration = new Int32Array(T);
    this.#leads = this.#targets.map(() => ({ times: [], head: 0 }));

    for (let ag = 0; ag < n; ag++) {
      if (this.#agentIndexInPool[ag]! < this.#pools[this.#agentPool[ag]!]!.count) this.#setLoggedIn(ag, true);
    }
    for (let t = 0; t < T; t++) {
      this.#scheduleReactive(t);
      this.#scheduleLeads(t);
    }
    scenario.events.forEach((event, index) =>
      this.#heap.push(Math.max(event.at, this.#now), SCENARIO_EVENT, index, 0),
    );
  }

  /** Current virtual time, seconds. */
  get nowSeconds(): number {
    return this.#now;
  }

  /** Target ids (`${virtualQueue}:${media}`) in scenario order. */
  targetIds(): string[] {
    return [...this.#targetIds];
  }

  /** Runs every event up to and including `timeSeconds`, then sets the clock there. */
  advanceTo(timeSeconds: number): void {
    const event = this.#event;
    while (this.#heap.peekTime() <= timeSeconds) {
      this.#heap.pop(event);
      this.#accrue(event[0]);
      this.#now = event[0];
      this.#handle(event[1], event[2], event[3]);
    }
    if (timeSeconds > this.#now) {
      this.#accrue(timeSeconds);
      this.#now = timeSeconds;
    }
  }

  /** Epoch ms of the current virtual time. */
  nowEpochMs(): number {
    return this.#epochMsAtZero + this.#now * 1000;
  }

  /**
   * The statistics snapshot of now (the wire shape). During a statistics gap the last snapshot taken before it
   * is returned again, with its old `snapshotTime`, as a stuck source would.
   */
  captureSnapshot(): StatsSnapshotInput {
    if (this.#now < this.#gapUntil && this.#lastSnapshot) return this.#lastSnapshot;
    const agents: AgentInput[] = this.#agentStatic.map((agent, a) => {
      const media = this.#mediaRecordOf(a);
      const previous = this.#agentObjects[a];
      if (previous?.media === media) return previous;
      const built = Object.freeze({ id: agent.id, groups: agent.groups, skills: agent.skills, media });
      this.#agentObjects[a] = built;
      return built;
    });
    const virtualQueues: VirtualQueueInput[] = this.#targets.map((target, t) => {
      const queue = this.#queues[t]!;
      const ages: number[] = [];
      for (let k = queue.head; k < queue.items.length; k++) {
        const i = queue.items[k]!;
        if (this.#iState[i] === WAITING) ages.push(this.#now - this.#iEnqueued[i]!);
      }
      return {
        name: virtualQueueName(target),
        media: target.media,
        waiting: this.#waiting[t]!,
        waitingAgesSeconds: ages,
        acceptedTotal: this.#queueAccepted[t]!,
        abandonedTotal: this.#abandoned[t]!,
        answeredTotal: this.#answered[t]!,
        handleSecondsTotal: this.#handleSeconds[t]!,
      };
    });
    this.#lastSnapshot = { snapshotTime: new Date(this.nowEpochMs()).toISOString(), agents, virtualQueues };
    return this.#lastSnapshot;
  }

  /** Agent `a`'s media states now, as the shared frozen record of that combination. */
  #mediaRecordOf(a: number): AgentInput['media'] {
    const M = this.#mediaNames.length;
    const isLoggedIn = this.#loggedIn[a] !== 0;
    const login = isLoggedIn ? 1 : 0;
    // An exact small integer for one media and small figures (no string per agent per snapshot), else a string;
    // a number and a string are never the same Map key.
    let key: number | string;
    if (M === 1 && this.#capacity[a]! < 1024 && this.#load[a]! < 1024) {
      key = (login * 1024 + this.#capacity[a]!) * 1024 + this.#load[a]!;
    } else {
      key = '';
      for (let m = 0; m < M; m++)
        key += `${m}:${login}:${this.#capacity[a * M + m]}:${this.#load[a * M + m]};`;
    }
    let record = this.#mediaRecords.get(key);
    if (record === undefined) {
      const built: Record<string, AgentMediaInput> = {};
      for (let m = 0; m < M; m++) {
        const capacity = this.#capacity[a * M + m]!;
        if (capacity === 0) continue;
        const load = this.#load[a * M + m]!;
        const state = !isLoggedIn ? 'not-ready' : load < capacity ? 'ready' : 'busy';
        built[this.#mediaNames[m]!] = Object.freeze({ state, capacity, load });
      }
      record = Object.freeze(built);
      // A bound, for scenarios whose loads take many values: the records in use stay referenced by the agents.
      if (this.#mediaRecords.size >= 65_536) this.#mediaRecords.clear();
      this.#mediaRecords.set(key, record);
    }
    return record;
  }

  /** The engagement platform's report of every target now. */
  engagementReports(): EngagementReportInput[] {
    return this.#targetIds.map((_, t) => this.engagementReportOf(t));
  }

  /** The engagement report of target index `t`. */
  engagementReportOf(t: number): EngagementReportInput {
    return {
      id: this.#targetIds[t]!,
      pending: this.#pending[t]!,
      sentTotal: this.#sent[t]!,
      acceptedTotal: this.#inviteAccepted[t]!,
      declinedTotal: this.#declined[t]!,
      expiredTotal: this.#expired[t]!,
    };
  }

  /** Sends up to `count` invitations for target index `t` now (fewer when leads run out); returns how many. */
  sendInvites(t: number, count: number): number {
    const target = this.#targets[t]!;
    let allowed = Math.max(0, Math.floor(count));
    if (target.leads.ratePerSecond !== null) {
      const leads = this.#leads[t]!;
      const oldest = this.#now - target.leads.windowSeconds;
      while (leads.head < leads.times.length && leads.times[leads.head]! < oldest) leads.head++;
      allowed = Math.min(allowed, leads.times.length - leads.head);
      leads.head += allowed;
      if (leads.head > 4096 && leads.head * 2 > leads.times.length) {
        leads.times.splice(0, leads.head);
        leads.head = 0;
      }
    }
    for (let k = 0; k < allowed; k++) {
      const index = this.#sent[t]!;
      this.#sent[t] = index + 1;
      this.#pending[t]! += 1;
      const random = new RandomStream(mixSeed(this.#seed, t, index, STREAM_INVITE));
      const accepts = random.next() < target.acceptProbability;
      const acceptDelay = sampleDistribution(target.acceptDelay, random);
      const declineDelay = sampleDistribution(target.declineDelay, random);
      const routing = sampleDistribution(target.routingDelay, random);
      const patience = sampleDistribution(target.patience, random);
      const handleSeed = random.nextSeed();
      if (accepts && acceptDelay <= target.expirySeconds) {
        const i = this.#newInteraction(t, false, patience, routing, handleSeed);
        this.#heap.push(this.#now + acceptDelay, ACCEPT, i, 0);
      } else if (!accepts && declineDelay <= target.expirySeconds) {
        this.#heap.push(this.#now + declineDelay, DECLINE, t, 0);
      } else {
        this.#heap.push(this.#now + target.expirySeconds, EXPIRE, t, 0);
      }
    }
    this.recorder.count(this.recorder.invites, t, this.#now, allowed);
    return allowed;
  }

  #newInteraction(
    t: number,
    isReactive: boolean,
    patience: number,
    routing: number,
    handleSeed: number,
  ): number {
    const i = this.#iTarget.length;
    this.#iTarget.push(t);
    this.#iReactive.push(isReactive ? 1 : 0);
    this.#iEnqueued.push(0);
    this.#iPatience.push(patience);
    this.#iRouting.push(routing);
    this.#iHandleSeed.push(handleSeed);
    this.#iState.push(ROUTING);
    this.#iAgent.push(-1);
    this.#iHandle.push(0);
    this.#iWrap.push(0);
    return i;
  }

  #handle(kind: number, a: number, b: number): void {
    switch (kind) {
      case ACCEPT:
        this.#pending[this.#iTarget[a]!]! -= 1;
        this.#inviteAccepted[this.#iTarget[a]!]! += 1;
        this.#heap.push(this.#now + this.#iRouting[a]!, ENQUEUE, a, 0);
        return;
      case DECLINE:
        this.#pending[a]! -= 1;
        this.#declined[a]! += 1;
        return;
      case EXPIRE:
        this.#pending[a]! -= 1;
        this.#expired[a]! += 1;
        return;
      case ENQUEUE:
        this.#enqueue(a);
        return;
      case ABANDON:
        this.#abandon(a);
        return;
      case FINISH:
        this.#finish(a);
        return;
      case WRAP_END:
        this.#releaseSlot(this.#iAgent[a]!, this.#targetMedia[this.#iTarget[a]!]!);
        return;
      case REACTIVE_ARRIVAL:
        if (b === this.#reactiveGeneration[a]) this.#reactiveArrival(a);
        return;
      case LEAD_ARRIVAL:
        if (b === this.#leadGeneration[a]) this.#leadArrival(a);
        return;
      case SCENARIO_EVENT:
        this.#applyEvent(a);
        return;
    }
  }

  #enqueue(i: number): void {
    const t = this.#iTarget[i]!;
    const isReactive = this.#iReactive[i] === 1;
    this.#iEnqueued[i] = this.#now;
    if (!isReactive) {
      this.#queueAccepted[t]! += 1;
      this.#recordCount(this.recorder.accepted, t);
    }
    const agent = this.#pickAgent(t);
    if (agent >= 0) {
      this.#assign(i, agent);
      return;
    }
    this.#iState[i] = WAITING;
    (isReactive ? this.#reactiveQueues : this.#queues)[t]!.items.push(i);
    if (!isReactive) this.#waiting[t]! += 1;
    this.#heap.push(this.#now + this.#iPatience[i]!, ABANDON, i, 0);
  }

  #recordCount(series: Float64Array[], t: number): void {
    this.recorder.count(series, t, this.#now);
  }

  #abandon(i: number): void {
    if (this.#iState[i] !== WAITING) return;
    this.#iState[i] = ABANDONED;
    if (this.#iReactive[i] === 0) {
      const t = this.#iTarget[i]!;
      this.#waiting[t]! -= 1;
      this.#abandoned[t]! += 1;
      this.#recordCount(this.recorder.abandoned, t);
    }
  }

  /**
   * The logged-in eligible agent to route to: one that serves the fewest targets (keeping shared specialists free
   * for the targets only they can serve, as skill-based routing does), then the one with the most free slots;
   * −1 when none is free.
   */
  #pickAgent(t: number): number {
    const M = this.#mediaNames.length;
    const m = this.#targetMedia[t]!;
    let best = -1;
    let bestShared = Number.POSITIVE_INFINITY;
    let bestFree = 0;
    for (const a of this.#targetAgents[t]!) {
      if (this.#loggedIn[a] === 0) continue;
      const free = this.#capacity[a * M + m]! - this.#load[a * M + m]!;
      if (free <= 0) continue;
      const shared = this.#agentTargets[a * M + m]!.length;
      if (shared < bestShared || (shared === bestShared && free > bestFree)) {
        best = a;
        bestShared = shared;
        bestFree = free;
      }
    }
    return best;
  }

  #assign(i: number, a: number): void {
    const t = this.#iTarget[i]!;
    const m = this.#targetMedia[t]!;
    const M = this.#mediaNames.length;
    if (this.#iState[i] === WAITING && this.#iReactive[i] === 0) this.#waiting[t]! -= 1;
    this.#iState[i] = SERVED;
    this.#iAgent[i] = a;
    const concurrent = this.#load[a * M + m]! + 1;
    this.#setLoad(a, m, concurrent);
    const pool = this.#pools[this.#agentPool[a]!]!;
    const random = new RandomStream(this.#iHandleSeed[i]!);
    const dist = pool.handleTime[this.#mediaNames[m]!] ?? { dist: 'exponential' as const, mean: 300 };
    const handle = sampleDistribution(dist, random) * (1 + pool.concurrencySlowdown * (concurrent - 1));
    this.#iHandle[i] = handle;
    this.#iWrap[i] = sampleDistribution(pool.wrapUp, random);
    if (this.#iReactive[i] === 0) {
      this.#answered[t]! += 1;
      this.recorder.recordWait(t, this.#now, this.#now - this.#iEnqueued[i]!);
    }
    this.#heap.push(this.#now + handle, FINISH, i, 0);
  }

  #finish(i: number): void {
    const t = this.#iTarget[i]!;
    if (this.#iReactive[i] === 0) this.#handleSeconds[t]! += this.#iHandle[i]!;
    if (this.#iWrap[i]! > 0) this.#heap.push(this.#now + this.#iWrap[i]!, WRAP_END, i, 0);
    else this.#releaseSlot(this.#iAgent[i]!, this.#targetMedia[t]!);
  }

  #releaseSlot(a: number, m: number): void {
    const M = this.#mediaNames.length;
    this.#setLoad(a, m, this.#load[a * M + m]! - 1);
    if (this.#loggedIn[a] === 1) this.#dispatch(a, m);
  }

  /** Fills the agent's free slots of media m with the longest-waiting interactions of the targets it serves. */
  #dispatch(a: number, m: number): void {
    const M = this.#mediaNames.length;
    const targets = this.#agentTargets[a * M + m]!;
    while (this.#load[a * M + m]! < this.#capacity[a * M + m]!) {
      let best = -1;
      let bestTime = Number.POSITIVE_INFINITY;
      for (const t of targets) {
        for (const queue of [this.#queues[t]!, this.#reactiveQueues[t]!]) {
          while (queue.head < queue.items.length && this.#iState[queue.items[queue.head]!] !== WAITING)
            queue.head++;
          if (queue.head > 1024 && queue.head * 2 > queue.items.length) {
            queue.items.splice(0, queue.head);
            queue.head = 0;
          }
          if (queue.head < queue.items.length) {
            const i = queue.items[queue.head]!;
            if (this.#iEnqueued[i]! < bestTime) {
              bestTime = this.#iEnqueued[i]!;
              best = i;
            }
          }
        }
      }
      if (best < 0) return;
      this.#assign(best, a);
    }
  }

  #staffedOf(a: number, index: number): number {
    return this.#loggedIn[a] === 1
      ? Math.max(this.#capacity[index]!, this.#load[index]!)
      : this.#load[index]!;
  }

  #setLoad(a: number, m: number, load: number): void {
    const index = a * this.#mediaNames.length + m;
    const busyBefore = this.#load[index]!;
    const staffedBefore = this.#staffedOf(a, index);
    this.#load[index] = load;
    const busyDelta = load - busyBefore;
    const staffedDelta = this.#staffedOf(a, index) - staffedBefore;
    this.#busyAll += busyDelta;
    this.#staffedAll += staffedDelta;
    for (const t of this.#agentTargets[index]!) {
      this.#busyByTarget[t]! += busyDelta;
      this.#staffedByTarget[t]! += staffedDelta;
    }
  }

  #setLoggedIn(a: number, isLoggedIn: boolean): void {
    const M = this.#mediaNames.length;
    if ((this.#loggedIn[a] === 1) === isLoggedIn) return;
    const before: number[] = [];
    for (let m = 0; m < M; m++) before.push(this.#staffedOf(a, a * M + m));
    this.#loggedIn[a] = isLoggedIn ? 1 : 0;
    for (let m = 0; m < M; m++) {
      const index = a * M + m;
      const delta = this.#staffedOf(a, index) - before[m]!;
      this.#staffedAll += delta;
      for (const t of this.#agentTargets[index]!) this.#staffedByTarget[t]! += delta;
    }
    if (isLoggedIn) for (let m = 0; m < M; m++) this.#dispatch(a, m);
  }

  #accrue(until: number): void {
    if (until > this.#lastAccrue) {
      this.recorder.accrue(
        this.#lastAccrue,
        until,
        this.#busyAll,
        this.#staffedAll,
        this.#busyByTarget,
        this.#staffedByTarget,
      );
      this.#lastAccrue = until;
    }
  }

  #scheduleReactive(t: number): void {
    this.#reactiveGeneration[t]! += 1;
    const rate = this.#targets[t]!.reactive.ratePerSecond;
    if (rate > 0) {
      const gap = -Math.log(this.#reactiveStreams[t]!.next()) / rate;
      this.#heap.push(this.#now + gap, REACTIVE_ARRIVAL, t, this.#reactiveGeneration[t]!);
    }
  }

  #reactiveArrival(t: number): void {
    const target = this.#targets[t]!;
    const random = this.#reactiveStreams[t]!;
    const patience = sampleDistribution(target.reactive.patience ?? target.patience, random);
    const i = this.#newInteraction(t, true, patience, 0, random.nextSeed());
    this.#enqueue(i);
    this.#scheduleReactive(t);
  }

  #scheduleLeads(t: number): void {
    this.#leadGeneration[t]! += 1;
    const rate = this.#targets[t]!.leads.ratePerSecond;
    if (rate !== null && rate > 0) {
      const gap = -Math.log(this.#leadStreams[t]!.next()) / rate;
      this.#heap.push(this.#now + gap, LEAD_ARRIVAL, t, this.#leadGeneration[t]!);
    }
  }

  #leadArrival(t: number): void {
    this.#leads[t]!.times.push(this.#now);
    this.#scheduleLeads(t);
  }

  #applyEvent(index: number): void {
    const event = this.#events[index]!;
    if (event.statsGapSeconds !== undefined) {
      // The source is stuck from now on: keep serving the snapshot taken last.
      this.#gapUntil = Math.max(this.#gapUntil, event.at + event.statsGapSeconds);
      if (!this.#lastSnapshot) this.captureSnapshot();
    }
    if (!event.set) return;
    if (event.pool !== undefined) {
      const p = this.#pools.findIndex((pool) => pool.pool === event.pool);
      const updated = agentPoolSchema.parse(applyDottedSet(this.#pools[p]!, event.set));
      this.#pools[p] = updated;
      for (let a = 0; a < this.#agentPool.length; a++) {
        if (this.#agentPool[a] === p) this.#setLoggedIn(a, this.#agentIndexInPool[a]! < updated.count);
      }
    } else if (event.target !== undefined) {
      const t = this.#targets.findIndex((target) => target.name === event.target);
      this.#targets[t] = scenarioTargetSchema.parse(applyDottedSet(this.#targets[t]!, event.set));
      this.#scheduleReactive(t);
      this.#scheduleLeads(t);
    }
  }
}

/** A deep copy of `base` with each `a.b.c: value` of `set` assigned (plain objects only). */
export function applyDottedSet(base: object, set: Readonly<Record<string, unknown>>): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  for (const [path, value] of Object.entries(set)) {
    const keys = path.split('.');
    let node: Record<string, unknown> = copy;
    for (const key of keys.slice(0, -1)) {
      const child = node[key];
      if (typeof child !== 'object' || child === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys.at(-1)!] = structuredClone(value);
  }
  return copy;
}
