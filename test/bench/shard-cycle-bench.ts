// Sharding benchmark: prints figures, asserts nothing (speed is not tested, see PREAMBLE). Run after compiling:
//   npx tsc --ignoreConfig --module nodenext --moduleResolution nodenext --target es2024 --lib es2024 --strict \
//     --skipLibCheck --types node --outDir dist/bench --rootDir . test/bench/shard-cycle-bench.ts
//   node dist/bench/test/bench/shard-cycle-bench.js
// Issue 9: 30,000 targets across 3 replicas with 3 shards should give the same per-replica figures as 10,000 on
// one. This runs the engine's real cycle (runPacingCycle with the production decider and the wire encoder) in one
// process, per replica, on an in-memory statistics snapshot and engagement platform: it measures the pacing
// work of a replica, not the Kubernetes side (informers, status writes), which test/bench/scale measures.
import { gzipSync } from 'node:zlib';
import {
  encodeEngagementRequest,
  StatsSnapshotSchema,
  type EngagementTargetReport,
  type StatsSnapshot,
} from '../../src/api/protocol/index.js';
import { shardOfTarget } from '../../src/controller/target-shard.js';
import { ENGAGEMENT_CLIENT_DEFAULTS } from '../../src/engagement/index.js';
import {
  alwaysLeader,
  PacingRoomDecider,
  runPacingCycle,
  type ClusterConfig,
  type EngagementExchange,
  type EngineStatsSelection,
  type LeaseFence,
  type LearnedState,
  type TargetConfig,
} from '../../src/engine/index.js';
import { compileSelection } from '../../src/sim/snapshot-selection.js';
import { percentile } from './scale/scale-figures.js';

const AGENTS_PER_TARGET = 5;
const PERIOD_MS = 5000;
const WARM_UP_CYCLES = 3;
const MEASURED_CYCLES = 15;

/** A seeded generator, so every run sees the same contact center. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 0x1_0000_0000;
  };
}

function targetsOf(count: number): TargetConfig[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `bench/t-${i}`,
    id: `Queue ${i}:chat`,
    virtualQueue: `Queue ${i}`,
    media: 'chat',
    optimizationGoalPercent: 3,
    groups: [
      {
        name: `Group ${i}`,
        agents: Array.from({ length: AGENTS_PER_TARGET }, (_, k) => `a-${i}-${k}`),
      },
    ],
    isPaused: false,
  }));
}

/** A snapshot of every target's agents and queue (the statistics source serves the whole cluster to everyone). */
function snapshotOf(count: number, nowMs: number, cycle: number): StatsSnapshot {
  const random = lcg(cycle + 1);
  const agents: StatsSnapshot['agents'] = [];
  const virtualQueues: StatsSnapshot['virtualQueues'] = [];
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < AGENTS_PER_TARGET; k++) {
      agents.push({
        id: `a-${i}-${k}`,
        groups: [`Group ${i}`],
        skills: {},
        media: { chat: { state: 'ready', capacity: 2, load: Math.floor(random() * 3) } },
      });
    }
    virtualQueues.push({
      name: `Queue ${i}`,
      media: 'chat',
      waiting: Math.floor(random() * 2),
      acceptedTotal: cycle * 3,
      abandonedTotal: Math.floor(cycle / 10),
      answeredTotal: cycle * 3,
      handleSecondsTotal: cycle * 600,
    });
  }
  return { snapshotTime: new Date(nowMs).toISOString(), agents, virtualQueues };
}

/** One replica: its fence, decider, learned state and last reports, carried from cycle to cycle like a worker does. */
interface Replica {
  readonly name: string;
  readonly fence: LeaseFence;
  /** Its own decider, as each replica process has: the decider keeps the last round's agent index. */
  readonly decider: PacingRoomDecider;
  /** The selection its cycles ask the statistics source for (sharded; seen on its first fetch). */
  selection: EngineStatsSelection | undefined;
  learnedState: LearnedState;
  reports: ReadonlyMap<string, EngagementTargetReport>;
  readonly wallMs: number[];
  readonly cpuMs: number[];
  readonly bytes: number[];
  readonly published: number[];
}

function shardFence(shard: number, count: number): LeaseFence {
  return {
    holdsValidLease: () => true,
    shards: {
      count,
      shardOf: (key) => shardOfTarget(key, count),
      holdsShard: (s) => s === shard,
      exclusiveSinceMs: () => 0,
    },
  };
}

/** An in-memory platform that encodes and compresses each request as the HTTP client would, counting bytes. */
function platformFor(replica: Replica): EngagementExchange {
  const totals = new Map<string, number>();
  return {
    exchange: async (request) => {
      let bytes = 0;
      for (const chunk of encodeEngagementRequest(request, ENGAGEMENT_CLIENT_DEFAULTS.maxTargetsPerRequest)) {
        bytes += gzipSync(JSON.stringify(chunk)).length;
      }
      replica.bytes.push(bytes);
      replica.published.push(request.targets.length);
      return {
        cycleId: request.cycleId,
        targets: request.targets.map((t) => {
          const sent = (totals.get(t.id) ?? 0) + t.invites;
          totals.set(t.id, sent);
          return {
            id: t.id,
            pending: 0,
            sentTotal: sent,
            acceptedTotal: 0,
            declinedTotal: 0,
            expiredTotal: 0,
          };
        }),
      };
    },
  };
}

async function runCase(label: string, targetCount: number, replicas: Replica[]): Promise<void> {
  const targets = targetsOf(targetCount);
  const cluster: ClusterConfig = {
    key: 'bench/scale',
    clusterId: 'bench',
    refreshPeriodMs: PERIOD_MS,
    statsStaleAfterMs: 60_000,
    policy: 'adaptive',
    cycleTimeoutMs: 60_000,
    stateSaveIntervalMs: 60_000,
  };
  const platforms = new Map(replicas.map((r) => [r.name, platformFor(r)]));
  // Parsing the whole cluster's snapshot, for scale: a sharded replica asks only for its selection (below).
  const parseStart = performance.now();
  const sample = snapshotOf(targetCount, Date.now(), 0);
  const parsed = StatsSnapshotSchema.safeParse(JSON.parse(JSON.stringify(sample)));
  const parseMs = performance.now() - parseStart;
  for (let cycle = 1; cycle <= WARM_UP_CYCLES + MEASURED_CYCLES; cycle++) {
    const nowMs = Date.now();
    const snapshot = snapshotOf(targetCount, nowMs, cycle);
    for (const replica of replicas) {
      // The statistics source answers a sharded replica with its selection only, cut on the source's side (not
      // timed, as the source's work is not the replica's); the whole snapshot until the selection is known.
      const answer =
        replica.selection === undefined
          ? snapshot
          : {
              // The reference source's own cut; its agents and queues are this snapshot's objects.
              ...(compileSelection(replica.selection)(snapshot) as StatsSnapshot),
              selectedBy: replica.selection,
            };
      const wallStart = performance.now();
      const cpuStart = process.cpuUsage();
      const result = await runPacingCycle(
        {
          cluster,
          targets,
          cycleId: cycle,
          slotStartMs: nowMs,
          learnedState: replica.learnedState,
          reports: replica.reports,
          signal: new AbortController().signal,
        },
        {
          stats: {
            fetch: async (_signal, selection) => {
              replica.selection = selection;
              return answer;
            },
          },
          engagement: platforms.get(replica.name)!,
          fence: replica.fence,
          decider: replica.decider,
          clock: { nowMs: () => Date.now(), sleep: async () => undefined },
          publisher: replica.name,
        },
      );
      const cpu = process.cpuUsage(cpuStart);
      replica.learnedState = result.learnedState;
      replica.reports = result.reports;
      if (cycle > WARM_UP_CYCLES) {
        replica.wallMs.push(performance.now() - wallStart);
        replica.cpuMs.push((cpu.user + cpu.system) / 1000);
      }
    }
  }
  for (const r of replicas) {
    const measured = r.published.slice(WARM_UP_CYCLES);
    const bytes = r.bytes.slice(WARM_UP_CYCLES);
    console.log(
      `| ${label} | ${r.name} | ${measured[0]?.toLocaleString('en-US')} | ${percentile(r.wallMs, 50).toFixed(1)} | ` +
        `${percentile(r.wallMs, 99).toFixed(1)} | ${percentile(r.cpuMs, 50).toFixed(1)} | ` +
        `${Object.keys(r.learnedState).length.toLocaleString('en-US')} | ${percentile(bytes, 50).toLocaleString('en-US')} | ` +
        `${parseMs.toFixed(0)}${parsed.success ? '' : ' (invalid!)'} |`,
    );
  }
}

function replica(name: string, fence: LeaseFence): Replica {
  return {
    name,
    fence,
    decider: new PacingRoomDecider(),
    selection: undefined,
    learnedState: {},
    reports: new Map(),
    wallMs: [],
    cpuMs: [],
    bytes: [],
    published: [],
  };
}

async function main(): Promise<void> {
  console.log(
    `Per-replica pacing work per cycle, ${AGENTS_PER_TARGET} agents per target, adaptive policy, ` +
      `${MEASURED_CYCLES} measured cycles after ${WARM_UP_CYCLES} warm-up (node ${process.version}).\n`,
  );
  console.log(
    '| case | replica | targets paced | cycle p50 (ms) | cycle p99 (ms) | CPU p50 (ms) | learned-state entries | ' +
      'request bytes (gzip) | snapshot parse (ms) |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  await runCase('10,000 targets, 1 replica, 1 shard', 10_000, [replica('solo', alwaysLeader)]);
  await runCase(
    '30,000 targets, 3 replicas, 3 shards',
    30_000,
    [0, 1, 2].map((shard) => replica(`replica-${shard}`, shardFence(shard, 3))),
  );
  await runCase('30,000 targets, 1 replica, 1 shard (for scale)', 30_000, [replica('solo', alwaysLeader)]);
}

await main();
