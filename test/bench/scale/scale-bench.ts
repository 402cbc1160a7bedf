// Scale benchmark (issue 9): prints figures and writes bench/results/scale.{json,md} and the generated part of
// docs/performance.md; asserts nothing (speed is not tested, see PREAMBLE). Run with `make bench-scale`.
//
// Environment:
//   SCALE_SIZES=1000,10000,30000   targets per run (default all three; SCALE_SIZES=1000 is the quick run)
//   SCALE_AGENTS_PER_TARGET=5      agents per target (M = 5 × N)
//   SCALE_WINDOW_SECONDS=60        steady window sampled after every target is Ready
//   SCALE_STATUS_WRITES            each replica's --status-writes-per-second (default max(20, N ÷ shards ÷ 50): 200 at 10,000)
//   SCALE_READY_TIMEOUT_SECONDS    give up waiting for Ready this long after the last create (default 120 s + twice N ÷ budget, at most 2,400 s)
//   SCALE_CREATE_CONCURRENCY=32    parallel creates
//   SCALE_REPLICAS=1 SCALE_SHARDS=1 operator replicas and --shards (e.g. SCALE_SIZES=30000 SCALE_REPLICAS=3 SCALE_SHARDS=3)
//   SCALE_RENDER_ONLY=1            run nothing; rewrite the Markdown from bench/results/scale-details.json
//   SCALE_MAX_OLD_SPACE_MIB=256    the operator's --max-old-space-size, the chart's heap.maxOldSpaceMiB (0: Node's default)
//   SCALE_MAX_SEMI_SPACE_MIB=16    the operator's --max-semi-space-size, the chart's heap.maxSemiSpaceMiB (0: Node's default)
//   SCALE_HEAP_SNAPSHOT=1          write a heap snapshot of the operator after the window (into .cache/scale-bench/; raises the RSS peak)
//   SCALE_CPU_PROFILE=1            write CPU profiles (node --cpu-prof) of the operator and of the reference servers (servers-profile/) into .cache/scale-bench/
//   SCALE_HEAP_PROFILE=1           write the operator's allocation sampling profile (node --heap-prof) there too
//   SCALE_MEMORY_SOFT_LIMIT_MIB=256 the operator's --memory-soft-limit-mib, the chart's heap.softLimitMiB (0: off; else also node --expose-gc)
//   SCALE_HEAP_GROWING_PERCENT=100 the operator's --heap-growing-percent, the chart's heap.growingPercent (0: V8's own)
//   SCALE_MALLOC_DEFAULTS=1        run the operator without the chart's glibc malloc thresholds (malloc.* values)
//   SCALE_NODE_FLAGS="--trace-gc"  more node flags for the operator, space-separated (diagnostics; they show in the results)
//   SCALE_SERVERS_NODE_FLAGS="--trace-gc"  more node flags for the reference servers (diagnostics; output in their log; shown in the results)
//   SCALE_OPERATOR_CPUS=0 SCALE_SERVERS_CPUS=1  run the operator replicas / the reference servers on these CPUs (taskset lists; experiments, shown in the results)
//   SCALE_OPERATOR_NICE=-10        run the operator replicas at this niceness, as a pod's CPU request would favour them (root for < 0; an experiment, shown in the results)
//   SCALE_OPERATOR_ARGS="--status-refresh-writes-per-second 10"  more `run` flags for the operator (experiments; they show in the results)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScaleRow } from './scale-figures.js';
import { runScaleSize } from './scale-run.js';
import {
  REPRODUCE,
  renderDetailTable,
  renderGoalVerdicts,
  renderScaleMarkdown,
  renderScaleTable,
  type ScaleRecord,
} from './scale-report.js';

/** The chart's default `heap` values (charts/agent-pacing-operator/values.yaml): the bench runs the operator so. */
const CHART_HEAP = {
  maxOldSpaceMiB: 256,
  maxSemiSpaceMiB: 16,
  softLimitMiB: 256,
  growingPercent: 100,
} as const;
/** The chart's default `malloc` values, as the environment its Deployment sets. */
const CHART_MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '131072', MALLOC_TRIM_THRESHOLD_: '131072' } as const;

// Replica r (0-based) serves its metrics on metrics + r.
const PORTS = { stats: 18180, engagement: 18181, auth: 18182, metrics: 18190 } as const;

const NOTES = `- **Ready after**: seconds from the first PacingTarget create until a list of the PacingTargets shows
  every one Ready=True (lists every 2 s, every 5 s from 10,000 targets); "not all" when the wait (from the last create) timed out, and
  then the steady window starts anyway. Each target needs one status write to show Ready, and status writes go
  through the operator's budget, so N targets need at least N ÷ budget seconds.
- **cycle p50 / p99**: from the operator's per-cycle debug log line ("pacing cycle done", durationMs: statistics
  read, decision, publication), over the steady window that follows (nearest rank; with about 12
  cycles in a 60 s window p99 is the slowest cycle). The details give each phase's p50 / p99 of wall time and of
  the operator thread's CPU (phasesCpuMs): a phase whose wall time is well above its CPU waited for a core or
  for a server; the statistics and publication phases also count what the thread ran while they waited.
- **CPU per cycle**: delta of process_cpu_seconds_total over the window ÷ cycles (includes informers, status
  writes, events and the two /metrics scrapes of the bench).
- **RSS**: process_resident_memory_bytes at the end of the window (the peak over the whole run is in the details).
- **API writes/s**: delta of the kube-apiserver's apiserver_request_total for POST, PUT, PATCH, DELETE and APPLY
  over the window ÷ its length (status patches, Events, Lease renewals, learned-state ConfigMaps; the bench
  writes nothing during the window).
- **bytes per exchange**: compressed request plus answer bytes of the engagement exchange per cycle (all chunks;
  pacing_engagement_request_bytes).
- Everything runs on one machine: etcd, kube-apiserver, the reference servers (live simulator) and the operator
  share its cores; figures are upper bounds for the operator alone.`;

/** Repository root (the bench is compiled to dist/bench/test/bench/scale/). */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('bench-scale: package.json not found above the bench');
    dir = parent;
  }
  return dir;
}

/** `flag=MiB` from the environment variable `name` (default `fallback`); none when it is 0. */
function heapFlag(flag: string, name: string, fallback: number): string[] {
  const mib = offOrPositiveFromEnv(name, fallback);
  return mib === 0 ? [] : [`${flag}=${mib}`];
}

/** A positive number (MiB, percent) from the environment variable `name` (default `fallback`), where 0 means off. */
function offOrPositiveFromEnv(name: string, fallback: number): number {
  return process.env[name] === '0' ? 0 : intFromEnv(name, fallback);
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`bench-scale: ${name} must be a positive number`);
  return n;
}

/** A niceness (-20 to 19) from the environment variable `name`; undefined when unset. */
function niceFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < -20 || n > 19)
    throw new Error(`bench-scale: ${name} must be an integer from -20 to 19`);
  return n;
}

const sameShape = (a: ScaleRow, b: ScaleRow) =>
  a.targets === b.targets && a.agents === b.agents && a.replicas === b.replicas && a.shards === b.shards;

/** Keeps rows of sizes not run now (a quick run does not erase the others), sorted by size. */
function mergeRecords(previous: ScaleRecord[], fresh: ScaleRecord[]): ScaleRecord[] {
  const kept = previous.filter((p) => !fresh.some((f) => sameShape(f.row, p.row)));
  return [...kept, ...fresh].sort(
    (a, b) => a.row.targets - b.row.targets || a.row.replicas - b.row.replicas || a.row.shards - b.row.shards,
  );
}

function replaceBetweenMarkers(text: string, begin: string, end: string, content: string): string {
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return `${text.trimEnd()}\n\n${begin}\n${content}\n${end}\n`;
  return `${text.slice(0, i + begin.length)}\n${content}\n${text.slice(j)}`;
}

/** Writes bench/results/scale.{json,md}, scale-details.json and the generated part of docs/performance.md. */
function writeResults(root: string, records: ScaleRecord[]): void {
  const resultsDir = path.join(root, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(
    path.join(resultsDir, 'scale.json'),
    `${JSON.stringify(
      records.map((r) => r.row),
      null,
      2,
    )}\n`,
  );
  writeFileSync(path.join(resultsDir, 'scale-details.json'), `${JSON.stringify(records, null, 2)}\n`);
  writeFileSync(path.join(resultsDir, 'scale.md'), renderScaleMarkdown(records, NOTES));
  const docPath = path.join(root, 'docs/performance.md');
  const doc = existsSync(docPath) ? readFileSync(docPath, 'utf8') : '# Performance\n';
  writeFileSync(
    docPath,
    replaceBetweenMarkers(
      doc,
      '<!-- bench-scale:begin (generated by make bench-scale; do not edit) -->',
      '<!-- bench-scale:end -->',
      `\`\`\`sh\n${REPRODUCE}\n\`\`\`\n\n${renderScaleTable(records)}\n\n${renderDetailTable(records)}\n\nAgainst the issue 9 targets (10,000 targets, 50,000 agents, one replica, 5 s refresh):\n\n${renderGoalVerdicts(records)}`,
    ),
  );
}

async function main(): Promise<void> {
  const root = repoRoot();
  const sizes = (process.env.SCALE_SIZES ?? '1000,10000,30000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  if (sizes.length === 0) throw new Error('bench-scale: SCALE_SIZES lists no positive integer');
  const agentsPerTarget = intFromEnv('SCALE_AGENTS_PER_TARGET', 5);
  // The chart's memory soft limit: `run --memory-soft-limit-mib` plus node's --expose-gc, which it needs.
  const softLimitMiB = offOrPositiveFromEnv('SCALE_MEMORY_SOFT_LIMIT_MIB', CHART_HEAP.softLimitMiB);
  const heapFlags = [
    ...heapFlag('--max-old-space-size', 'SCALE_MAX_OLD_SPACE_MIB', CHART_HEAP.maxOldSpaceMiB),
    ...heapFlag('--max-semi-space-size', 'SCALE_MAX_SEMI_SPACE_MIB', CHART_HEAP.maxSemiSpaceMiB),
    ...(softLimitMiB === 0 ? [] : ['--expose-gc']),
    ...(process.env.SCALE_NODE_FLAGS ?? '').split(' ').filter((flag) => flag !== ''),
  ];
  const serversNodeFlags = (process.env.SCALE_SERVERS_NODE_FLAGS ?? '')
    .split(' ')
    .filter((flag) => flag !== '');
  const growingPercent = offOrPositiveFromEnv('SCALE_HEAP_GROWING_PERCENT', CHART_HEAP.growingPercent);
  const operatorArgs = [
    ...(softLimitMiB === 0 ? [] : ['--memory-soft-limit-mib', String(softLimitMiB)]),
    ...(growingPercent === 0 ? [] : ['--heap-growing-percent', String(growingPercent)]),
    ...(process.env.SCALE_OPERATOR_ARGS ?? '').split(' ').filter((arg) => arg !== ''),
  ];
  // SCALE_MALLOC_DEFAULTS=1 runs the operator with glibc's own thresholds, to compare.
  const operatorEnv = process.env.SCALE_MALLOC_DEFAULTS === '1' ? {} : CHART_MALLOC_ENV;
  const operatorNice = niceFromEnv('SCALE_OPERATOR_NICE');
  const say = (line: string) => process.stdout.write(`bench-scale: ${line}\n`);

  const resultsDir = path.join(root, 'bench/results');
  const jsonPath = path.join(resultsDir, 'scale.json');
  const detailsPath = path.join(resultsDir, 'scale-details.json');
  const previous: ScaleRecord[] = existsSync(detailsPath)
    ? (JSON.parse(readFileSync(detailsPath, 'utf8')) as ScaleRecord[])
    : [];

  if (process.env.SCALE_RENDER_ONLY === '1') {
    writeResults(root, previous);
    say('rewrote bench/results/scale.md and docs/performance.md from scale-details.json');
    return;
  }
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort(new Error('interrupted (SIGINT)')));
  process.once('SIGTERM', () => stop.abort(new Error('interrupted (SIGTERM)')));
  const fresh: ScaleRecord[] = [];
  for (const targets of sizes) {
    // Sized as docs/operations.md advises for Ready within a minute: one write per target per 50 s for the
    // targets each replica holds (N ÷ shards when the replicas share the shards), at least the operator's
    // default of 20/s. A fixed SCALE_STATUS_WRITES overrides it.
    const replicas = intFromEnv('SCALE_REPLICAS', 1);
    const shards = intFromEnv('SCALE_SHARDS', 1);
    const writers = Math.max(1, Math.min(replicas, shards));
    const budget = intFromEnv('SCALE_STATUS_WRITES', Math.max(20, Math.ceil(targets / writers / 50)));
    const size = { targets, agents: targets * agentsPerTarget };
    const measuredAt = new Date().toISOString();
    const result = await runScaleSize({
      repoRoot: root,
      size,
      ports: PORTS,
      statusWritesPerSecond: budget,
      replicas,
      shards,
      createConcurrency: intFromEnv('SCALE_CREATE_CONCURRENCY', 32),
      readyTimeoutSeconds: intFromEnv(
        'SCALE_READY_TIMEOUT_SECONDS',
        Math.min(2400, 120 + Math.ceil((2 * targets) / (budget * writers))),
      ),
      windowSeconds: intFromEnv('SCALE_WINDOW_SECONDS', 60),
      cpuProfile: process.env.SCALE_CPU_PROFILE === '1',
      serversNodeFlags,
      heapProfile: process.env.SCALE_HEAP_PROFILE === '1',
      heapFlags,
      operatorEnv,
      operatorArgs,
      operatorCpus: process.env.SCALE_OPERATOR_CPUS || undefined,
      serversCpus: process.env.SCALE_SERVERS_CPUS || undefined,
      operatorNice,
      heapSnapshot: process.env.SCALE_HEAP_SNAPSHOT === '1',
      say,
      signal: stop.signal,
    });
    const record = {
      row: result.row,
      details: result.details,
      measuredAt,
      statusWriteBudget: budget,
      operatorNodeFlags: heapFlags,
      operatorEnv,
      operatorArgs,
      ...(process.env.SCALE_OPERATOR_CPUS ? { operatorCpus: process.env.SCALE_OPERATOR_CPUS } : {}),
      ...(process.env.SCALE_SERVERS_CPUS ? { serversCpus: process.env.SCALE_SERVERS_CPUS } : {}),
      ...(serversNodeFlags.length === 0 ? {} : { serversNodeFlags }),
      ...(operatorNice === undefined ? {} : { operatorNice }),
    };
    fresh.push(record);
    process.stdout.write(`\n${renderScaleTable([record])}\n\n${renderDetailTable([record])}\n\n`);
    // Write after every size, so a later failure keeps what was measured.
    writeResults(root, mergeRecords(previous, fresh));
    say(`wrote ${jsonPath}, bench/results/scale.md and docs/performance.md`);
  }
  const all = mergeRecords(previous, fresh);
  process.stdout.write(`\n${renderScaleTable(all)}\n\n${renderGoalVerdicts(all)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench-scale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
});
