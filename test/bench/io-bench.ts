// I/O benchmark: prints figures, asserts nothing (speed is not tested, see PREAMBLE). Run after compiling:
//   make bench-io     (or the two commands of the Makefile target; see the I/O helper's report)
// Targets from issue 5: a 10,000-target exchange encodes, compresses and decodes in < 20 ms of CPU and puts
// < 40 bytes per target on the wire; a 50,000-agent snapshot parses and validates in < 150 ms.
import { gunzipSync, gzipSync } from 'node:zlib';
import { Agent } from 'undici';
import {
  EngagementWireAnswerSchema,
  StatsSnapshotSchema,
  decodeEngagementAnswer,
  encodeEngagementAnswer,
  encodeEngagementRequest,
  type EngagementRequestInput,
  type EngagementTargetReport,
  type StatsSnapshot,
} from '../../src/api/protocol/index.js';
import {
  ENGAGEMENT_CLIENT_DEFAULTS,
  EngagementClient,
  type EngagementRequestMetrics,
} from '../../src/engagement/index.js';
import type { ReferenceContactCenter } from '../../src/sim/reference-contact-center.js';
import {
  REFERENCE_TARGET_ENDPOINT,
  startReferenceEngagementServer,
} from '../../src/sim/reference-engagement-server.js';

const TARGETS = 10_000;
const AGENTS = 50_000;

/** Seeded LCG in [0, 1) so every run measures the same data. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const random = seeded(42);
const int = (max: number): number => Math.floor(random() * max);
const MEDIA = ['chat', 'voice'];
const groupNames = Array.from({ length: 400 }, (_, i) => `Agent Group ${i}`);

const request: EngagementRequestInput = {
  clusterId: 'tenant-a/main',
  cycleId: 177_643,
  intervalMs: 10_000,
  publisher: 'agent-pacing-operator-7d9f8c6b5-x2kqz',
  targets: Array.from({ length: TARGETS }, (_, i) => ({
    id: `Proactive VQ ${Math.floor(i / 2)}:${MEDIA[i % 2]}`,
    invites: int(25),
    groups: [groupNames[int(400)]!, groupNames[int(400)]!],
  })),
};
const reports: EngagementTargetReport[] = request.targets.map((t) => {
  const sentTotal = int(200_000);
  const acceptedTotal = int(sentTotal + 1);
  const declinedTotal = int(sentTotal - acceptedTotal + 1);
  return {
    id: t.id,
    pending: int(30),
    sentTotal,
    acceptedTotal,
    declinedTotal,
    expiredTotal: int(sentTotal - acceptedTotal - declinedTotal + 1),
  };
});

/** CPU ms (user + system) of `fn`, median over `runs` after `warmup` runs. */
function cpuMs(fn: () => void, runs = 30, warmup = 10): number {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    fn();
    const used = process.cpuUsage(before);
    samples.push((used.user + used.system) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** Wall ms of `fn`, median. */
function wallMs(fn: () => void, runs = 10, warmup = 3): number {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

// --- 1. Exchange codec, as the client runs it: encode + gzip the request chunks, gunzip + parse + validate +
// decode the answer chunks (the answers are prepared once, as the platform would send them).
const chunkSize = ENGAGEMENT_CLIENT_DEFAULTS.maxTargetsPerRequest;
const answerChunks = encodeEngagementRequest(request, chunkSize).map((chunk) => {
  const ids = new Set(chunk.targets.map(([id]) => id));
  return gzipSync(
    JSON.stringify(
      encodeEngagementAnswer({ cycleId: chunk.cycle, targets: reports.filter((r) => ids.has(r.id)) }),
    ),
  );
});
let requestBytes = 0;
const encodeCpu = cpuMs(() => {
  requestBytes = 0;
  for (const chunk of encodeEngagementRequest(request, chunkSize))
    requestBytes += gzipSync(JSON.stringify(chunk), { level: 4 }).byteLength;
});
let decoded = 0;
const decodeCpu = cpuMs(() => {
  decoded = 0;
  for (const bytes of answerChunks) {
    const answer = EngagementWireAnswerSchema.parse(JSON.parse(gunzipSync(bytes).toString('utf8')));
    decoded += decodeEngagementAnswer(answer).reports.length;
  }
});
const answerBytes = answerChunks.reduce((sum, b) => sum + b.byteLength, 0);

// --- 2. The same exchange for real, through the client and the reference server on loopback (bytes as sent).
const center: ReferenceContactCenter = {
  advanceTo: () => undefined,
  snapshot: () => ({ snapshotTime: new Date().toISOString(), agents: [], virtualQueues: [] }),
  applyAllowances: (cycle) => {
    const byId = new Map(reports.map((r) => [r.id, r]));
    return cycle.allowances.map((a) => byId.get(a.id)!);
  },
  targetIds: () => request.targets.map((t) => t.id),
};
const server = await startReferenceEngagementServer({
  contactCenter: center,
  clock: { nowMs: () => Date.now() },
});
const dispatcher = new Agent();
const attempts: EngagementRequestMetrics[] = [];
const client = new EngagementClient({
  baseServiceUrl: server.url,
  targetEndpoint: REFERENCE_TARGET_ENDPOINT,
  tokenSource: { getToken: async () => 'bench', invalidate: () => undefined },
  dispatcher,
  clock: { nowMs: () => performance.now(), sleep: async () => undefined },
  random,
  onRequest: (m) => attempts.push(m),
});
const live = await client.exchange(request);
await dispatcher.close();
await server.close();

// --- 3. Snapshot of 50,000 agents: JSON.parse + zod validation of the text as received.
const snapshot: StatsSnapshot = {
  snapshotTime: new Date().toISOString(),
  agents: Array.from({ length: AGENTS }, (_, i) => ({
    id: `agent-${i}`,
    groups: [groupNames[int(400)]!, groupNames[int(400)]!],
    skills: { Spanish: int(10), Sales: int(10), Support: int(10) },
    media: {
      chat: { state: (['ready', 'busy', 'not-ready'] as const)[int(3)]!, capacity: 3, load: int(4) },
      voice: { state: (['ready', 'busy', 'not-ready'] as const)[int(3)]!, capacity: 1, load: int(2) },
    },
  })),
  virtualQueues: Array.from({ length: 5_000 }, (_, i) => ({
    name: `Proactive VQ ${i}`,
    media: MEDIA[i % 2]!,
    waiting: int(20),
    acceptedTotal: int(100_000),
    abandonedTotal: int(3_000),
    answeredTotal: int(97_000),
    handleSecondsTotal: int(10_000_000),
  })),
};
const snapshotText = JSON.stringify(snapshot);
const parseWall = wallMs(() => void JSON.parse(snapshotText));
const validateWall = wallMs(() => void StatsSnapshotSchema.parse(JSON.parse(snapshotText)));
const validateCpu = cpuMs(() => void StatsSnapshotSchema.parse(JSON.parse(snapshotText)), 10, 3);
const parseOnlyCpu = cpuMs(() => void JSON.parse(snapshotText), 10, 3);
const parsedOnce: unknown = JSON.parse(snapshotText);
const zodOnlyCpu = cpuMs(() => void StatsSnapshotSchema.parse(parsedOnce), 10, 3);
const [load1] = (await import('node:os')).loadavg();

const fmt = (n: number, digits = 1): string => n.toFixed(digits);
const rows: [string, string, string][] = [
  ['exchange: targets', String(TARGETS), `${Math.ceil(TARGETS / chunkSize)} requests of ≤ ${chunkSize}`],
  ['exchange: encode + gzip request, CPU ms (median)', fmt(encodeCpu, 2), ''],
  [
    'exchange: gunzip + parse + validate + decode answer, CPU ms (median)',
    fmt(decodeCpu, 2),
    `${decoded} reports`,
  ],
  ['exchange: codec total, CPU ms', fmt(encodeCpu + decodeCpu, 2), 'goal < 20'],
  ['exchange: request bytes per target (gzip)', fmt(requestBytes / TARGETS, 2), ''],
  ['exchange: answer bytes per target (gzip)', fmt(answerBytes / TARGETS, 2), ''],
  ['exchange: wire bytes per target, both ways', fmt((requestBytes + answerBytes) / TARGETS, 2), 'goal < 40'],
  [
    'exchange over loopback: body bytes per target, both ways',
    fmt(attempts.reduce((s, a) => s + a.requestBytes + a.responseBytes, 0) / TARGETS, 2),
    `${live.targets.length} reports, ${live.transfer.attempts} requests, ${fmt(live.transfer.durationMs)} ms wall`,
  ],
  ['snapshot: agents', String(AGENTS), `${fmt(snapshotText.length / 1024 / 1024)} MiB JSON, 5,000 queues`],
  ['snapshot: JSON.parse, wall ms (median)', fmt(parseWall), ''],
  ['snapshot: JSON.parse + zod validation, wall ms (median)', fmt(validateWall), 'goal < 150'],
  [
    'snapshot: JSON.parse + zod validation, CPU ms (median)',
    fmt(validateCpu),
    'goal < 150 (CPU incl. GC threads)',
  ],
  ['snapshot: JSON.parse alone, CPU ms (median)', fmt(parseOnlyCpu), ''],
  ['snapshot: zod validation alone, CPU ms (median)', fmt(zodOnlyCpu), ''],
];
const width = Math.max(...rows.map(([name]) => name.length));
console.log(
  `io-bench on node ${process.version}, load average ${fmt(load1 ?? 0, 2)} (wall figures suffer on a busy machine)`,
);
for (const [name, value, note] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(9)}  ${note}`);
