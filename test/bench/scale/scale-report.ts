// Renders the scale figures as Markdown (bench/results/scale.md and the generated part of docs/performance.md).
import type { PhaseFigures, ScaleDetails, ScaleRow } from './scale-figures.js';

/** A measured row with what explains it and when it was measured. */
export interface ScaleRecord {
  row: ScaleRow;
  details: ScaleDetails;
  /** ISO time of the run. */
  measuredAt: string;
  /** Operator's status write budget during the run. */
  statusWriteBudget: number;
  /** Node flags of the operator (the chart's heap limits); absent in records of runs before they existed. */
  operatorNodeFlags?: readonly string[];
  /** Environment the operator ran with beyond the bench's own (the chart's malloc thresholds); absent before. */
  operatorEnv?: Readonly<Record<string, string>>;
  /** `run` flags beyond the bench's own (the chart's memory soft limit); absent before they existed. */
  operatorArgs?: readonly string[];
  /** CPUs the operator replicas were pinned to (taskset list); absent: not pinned. */
  operatorCpus?: string;
  /** CPUs the reference servers were pinned to; absent: not pinned. */
  serversCpus?: string;
  /** More node flags the reference servers ran with (diagnostics); absent: none. */
  serversNodeFlags?: readonly string[];
  /** Niceness the operator replicas ran at; absent: the bench's own (0). */
  operatorNice?: number;
}

/** How the operator process was set up: its node flags, extra environment, extra run flags and CPUs, as one phrase. */
function operatorSetup(record: ScaleRecord): string {
  const flags = record.operatorNodeFlags;
  const node = `node ${flags === undefined ? '(heap flags not recorded)' : flags.join(' ') || 'without heap flags'}`;
  const env = Object.entries(record.operatorEnv ?? {}).map(([name, value]) => `${name}=${value}`);
  const run = record.operatorArgs?.length ? ` (run ${record.operatorArgs.join(' ')})` : '';
  const pinned = [
    ...(record.operatorCpus === undefined ? [] : [`operator on CPU ${record.operatorCpus}`]),
    ...(record.serversCpus === undefined ? [] : [`reference servers on CPU ${record.serversCpus}`]),
    ...(record.serversNodeFlags === undefined
      ? []
      : [`reference servers with ${record.serversNodeFlags.join(' ')}`]),
    ...(record.operatorNice === undefined ? [] : [`operator at nice ${record.operatorNice}`]),
  ];
  return `${env.length === 0 ? node : `${env.join(' ')} ${node}`}${run}${pinned.length === 0 ? '' : `; ${pinned.join(', ')}`}`;
}

/** The targets of issue 9 for 10,000 targets and 50,000 agents on one replica, 5 s refresh. */
export const SCALE_GOALS = {
  cycleP99Ms: 250,
  rssMiB: 300,
  readySeconds: 60,
} as const;

/** The command that reproduces the figures. */
export const REPRODUCE =
  'make bench-scale                      # 1,000, 10,000 and 30,000 targets (5 agents per target)\n' +
  'make bench-scale SCALE_SIZES=1000     # the quick run\n' +
  '# 10,000 with a window of 120 cycles, so that the p99 is not simply the slowest cycle\n' +
  'make bench-scale SCALE_SIZES=10000 SCALE_WINDOW_SECONDS=600\n' +
  '# 30,000 on three sharded replicas, with the young generation docs/operations.md advises for them\n' +
  'make bench-scale SCALE_SIZES=30000 SCALE_REPLICAS=3 SCALE_SHARDS=3 SCALE_MAX_SEMI_SPACE_MIB=8';

const fmt = (n: number | null, digits = 0) =>
  n === null ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits });

/** The main table: one line per size, the JSON fields in order. */
export function renderScaleTable(records: readonly ScaleRecord[]): string {
  const head =
    '| targets | agents | replicas | shards | Ready after (s) | cycle p50 (ms) | cycle p99 (ms) | CPU per cycle (ms) | RSS (MiB) | API writes/s | bytes per exchange |\n' +
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const lines = records.map(({ row: r }) =>
    [
      fmt(r.targets),
      fmt(r.agents),
      r.replicas,
      r.shards,
      r.readySeconds === null ? 'not all' : fmt(r.readySeconds, 1),
      fmt(r.cycleP50Ms, 1),
      fmt(r.cycleP99Ms, 1),
      fmt(r.cpuMsPerCycle, 1),
      fmt(r.rssMiB, 1),
      fmt(r.apiWritesPerSecond, 2),
      fmt(r.bytesPerExchange),
    ].join(' | '),
  );
  return [head, ...lines.map((l) => `| ${l} |`)].join('\n');
}

/** The table of figures that explain each row (window, status writes, servers, exchange). */
export function renderDetailTable(records: readonly ScaleRecord[]): string {
  const head =
    '| targets | create (s) | Ready / targets | max Ready after its create (s) | window (s) | cycles (published) | cycle max (ms) | status writes/s (budget) | pending status writes | RSS peak: run / window (MiB) | V8 heap used (MiB) | chunks per cycle | request / answer bytes per chunk | exchange round trip (ms) | servers CPU (cores) | servers RSS peak (MiB) | measured |\n' +
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |';
  const lines = records.map(({ row: r, details: d, measuredAt, statusWriteBudget }) =>
    [
      fmt(r.targets),
      fmt(d.createSeconds, 1),
      `${fmt(d.readyTargets)} / ${fmt(r.targets)}`,
      d.maxReadyAfterCreateSeconds === null ? '-' : fmt(d.maxReadyAfterCreateSeconds),
      fmt(d.windowSeconds),
      `${d.windowCycles} (${d.publishedCycles})`,
      fmt(d.cycleMaxMs, 1),
      // The writes are summed over the replicas; each has its own budget.
      `${fmt(d.statusWritesPerSecond, 2)} (${statusWriteBudget}${r.replicas > 1 ? ` × ${r.replicas}` : ''})`,
      fmt(d.pendingStatusWrites),
      `${fmt(d.rssPeakMiB, 1)} / ${d.rssWindowPeakMiB === undefined ? '-' : fmt(d.rssWindowPeakMiB, 1)}`,
      fmt(d.heapUsedMiB, 1),
      fmt(d.chunksPerCycle, 2),
      `${fmt(d.requestBytesPerChunk)} / ${fmt(d.responseBytesPerChunk)}`,
      fmt(d.engagementRoundTripMs, 1),
      fmt(d.serversCpuShare, 3),
      fmt(d.serversRssPeakMiB),
      measuredAt.slice(0, 16).replace('T', ' '),
    ].join(' | '),
  );
  const writes = records.map((record) => {
    const { row: r, details: d } = record;
    const byResource = ratesText(d.apiWritesByResource);
    const byClass = ratesText(d.statusWritesByClass);
    const transitions = ratesText(d.targetTransitionsByReason);
    const problems = (d.problems ?? [])
      .slice(0, 6)
      .map((p) => `${p.count}× "${p.msg}"${p.firstError ? ` (first: ${p.firstError})` : ''}`)
      .join('; ');
    return (
      `- ${fmt(r.targets)} targets, ${r.replicas} replica(s), ${r.shards} shard(s): ${d.leadingAtEnd ? 'every shard held' : '**not every shard held**'} at the end of the window` +
      `${d.unresponsiveReplicas ? ` (**${d.unresponsiveReplicas} replica(s) did not answer /metrics**)` : ''}; ` +
      `${decidedText(d.decidedSeconds)}; ${phasesText(d.cyclePhases)}; ${contentionText(d.contention)}; ${apiServerGcText(d.apiServerGc)}; ${operatorSetup(record)}; ` +
      `API writes/s by resource: ${byResource}; operator status writes/s by class: ${byClass}; target condition transitions/s: ${transitions}; operator warnings and errors: ${problems || 'none'}`
    );
  });
  return [head, ...lines.map((l) => `| ${l} |`), '', ...writes].join('\n');
}

/** Each cycle phase's p50/p99 wall time and thread CPU, as one phrase. */
function phasesText(phases: ScaleDetails['cyclePhases']): string {
  if (phases === undefined) return 'cycle phases not recorded';
  const one = (name: string, f: PhaseFigures): string =>
    `${name} ${f.wallP50} / ${f.wallP99}${f.cpuP50 === null ? '' : ` (CPU ${f.cpuP50} / ${f.cpuP99})`}`;
  return (
    `cycle phases p50 / p99 in ms, wall (the operator thread's CPU): ${one('statistics', phases.stats)}, ` +
    `${one('decision', phases.decide)}, ${one('publication', phases.publish)}, ${one('whole cycle', phases.cycle)}`
  );
}

/** The operator thread's wait for a core and the slowest cycles' company, as one phrase. */
export function contentionText(contention: ScaleDetails['contention']): string {
  if (contention === undefined) return 'waits for a core not recorded';
  const ms = (n: number) => (Number.isFinite(n) ? fmt(n, 0) : '-');
  const slowest = contention.slowest.map((c) => {
    const company = c.others
      .filter((o) => o.cpuMs >= 5)
      .slice(0, 4)
      .map(
        (o) =>
          `${o.name} ${ms(o.cpuMs)}${o.helpersMs !== undefined && o.helpersMs >= 5 ? ` (helper threads ${ms(o.helpersMs)})` : ''}`,
      )
      .join(', ');
    return (
      `${ms(c.durationMs)} ms (in the ${ms(c.spanMs)} ms around it the thread ran ${ms(c.runMs)} and waited ` +
      `${ms(c.waitMs)}; CPU meanwhile: ${company || 'nothing else'})`
    );
  });
  return (
    `the operator thread's wait for a core per cycle p50 / p99: ${ms(contention.waitP50Ms)} / ${ms(contention.waitP99Ms)} ms ` +
    `over ${contention.cycles} cycles; the slowest: ${slowest.join('; ')}`
  );
}

/** The API server's garbage collections in the window and the cycles they overlapped, as one phrase. */
export function apiServerGcText(gc: ScaleDetails['apiServerGc']): string {
  if (gc === undefined) return "the API server's garbage collections not recorded";
  const ms = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? fmt(n, 0) : '-');
  const slowest = gc.slowest.map((c) => {
    const overlapping = c.collections
      .map(
        (k) =>
          `one begun ${k.offsetMs < 0 ? `${ms(-k.offsetMs)} ms before it` : `${ms(k.offsetMs)} ms into it`}, ` +
          `${ms(k.wallMs)} ms long, ${ms(k.cpuMs)} ms of CPU`,
      )
      .join(' and ');
    return `${ms(c.durationMs)} ms (${overlapping || 'none'})`;
  });
  return (
    `the API server's garbage collections in the window: ${gc.collections}` +
    `${gc.intervalP50Seconds === undefined ? '' : `, every ${fmt(gc.intervalP50Seconds, 1)} s`} at the median, ` +
    `${ms(gc.wallP50Ms)} ms of marking and ${ms(gc.cpuP50Ms)} ms of CPU each (${ms(gc.idleCpuP50Ms)} of it idle-core ` +
    `workers), ${fmt(gc.liveP50MiB)} MiB live; they overlapped ${gc.overlappedCycles} of ${gc.cycles} cycles ` +
    `(p50 ${ms(gc.overlappedP50Ms)} ms against ${ms(gc.otherP50Ms)} for the others); the slowest cycles' ` +
    `collections: ${slowest.join('; ')}`
  );
}

/** Per-second rates as `key rate, …` (zeros left out), or why there are none. */
function ratesText(rates: Readonly<Record<string, number>> | undefined): string {
  if (rates === undefined) return 'not recorded';
  const text = Object.entries(rates)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return text || 'none';
}

/** When every target showed its first pacing decision (the steady window begins after it), as a phrase. */
function decidedText(decidedSeconds: number | null | undefined): string {
  if (decidedSeconds === undefined) return 'first pacing decisions not recorded';
  if (decidedSeconds === null) return '**not every target showed a pacing decision**';
  return `every target's first pacing decision shown ${fmt(decidedSeconds, 1)} s after the first create`;
}

/** Fewest cycles whose p99 (nearest rank) is not simply their slowest. */
export const P99_MIN_CYCLES = 100;

/**
 * The window's cycle p99 with what it stands for: below {@link P99_MIN_CYCLES} cycles the nearest-rank p99 is the
 * slowest cycle, one stall decides it, and the phrase says so.
 */
export function p99Text(
  cycleP99Ms: number | null,
  details: Pick<ScaleDetails, 'windowCycles' | 'cycleMaxMs'>,
): string {
  if (cycleP99Ms === null) return 'no cycle ran in the window';
  const cycles = details.windowCycles;
  if (cycles < P99_MIN_CYCLES) {
    return `${fmt(cycleP99Ms, 1)} ms, the slowest of ${fmt(cycles)} cycles: below ${P99_MIN_CYCLES} cycles the p99 is the slowest one`;
  }
  return `${fmt(cycleP99Ms, 1)} ms over ${fmt(cycles)} cycles; the slowest ${fmt(details.cycleMaxMs, 1)} ms`;
}

/** Whether the 10,000-target row meets each goal, as sentences (empty when that row was not measured). */
export function renderGoalVerdicts(records: readonly ScaleRecord[]): string {
  const record = records.find((r) => r.row.targets === 10_000 && r.row.replicas === 1);
  if (!record) return '_The 10,000-target row has not been measured yet._';
  const { row, details } = record;
  const verdict = (ok: boolean) => (ok ? '**met**' : '**not met**');
  const ready = row.readySeconds;
  return [
    `- cycle p99 under ${SCALE_GOALS.cycleP99Ms} ms: ${verdict(row.cycleP99Ms !== null && row.cycleP99Ms < SCALE_GOALS.cycleP99Ms)} (${p99Text(row.cycleP99Ms, details)})`,
    `- resident memory under ${SCALE_GOALS.rssMiB} MiB: ${verdict(details.rssPeakMiB < SCALE_GOALS.rssMiB)} (${details.rssPeakMiB} MiB peak over the run, creates included${details.rssWindowPeakMiB === undefined ? '' : `, ${details.rssWindowPeakMiB} MiB peak in the steady window`}, ${row.rssMiB} MiB at its end; ${operatorSetup(record)})`,
    `- status writes within the budget (${record.statusWriteBudget}/s): ${
      details.statusWritesPerSecond === 0 || !details.leadingAtEnd
        ? '**not judged**: no status write succeeded in the window or the replica was not leading'
        : verdict(details.statusWritesPerSecond <= record.statusWriteBudget * 1.05)
    } (${details.statusWritesPerSecond}/s by the operator; ${row.apiWritesPerSecond}/s writes of every kind at the API server)`,
    // Judged per target (its own create to its Ready), as the goal says: the bench's creates alone take about a
    // minute at 10,000, so "after the first create" measures the bench as much as the operator.
    `- every target Ready within ${SCALE_GOALS.readySeconds} s of creation: ${verdict(ready !== null && details.maxReadyAfterCreateSeconds !== null && details.maxReadyAfterCreateSeconds <= SCALE_GOALS.readySeconds)} (${ready === null || details.maxReadyAfterCreateSeconds === null ? `${details.readyTargets} of ${row.targets} Ready when the wait ended` : `at most ${details.maxReadyAfterCreateSeconds} s after its own create, seen by a watch; every target ${ready} s after the first create; status budget ${record.statusWriteBudget}/s`})`,
  ].join('\n');
}

/** bench/results/scale.md. */
export function renderScaleMarkdown(records: readonly ScaleRecord[], notes: string): string {
  return `# Scale benchmark

Generated by \`make bench-scale\` (test/bench/scale/); do not edit by hand. Reproduce:

\`\`\`sh
${REPRODUCE}
\`\`\`

${renderScaleTable(records)}

How each figure is measured:

${notes}

Details of each run:

${renderDetailTable(records)}

Issue 9 targets (10,000 targets, 50,000 agents, one replica, 5 s refresh):

${renderGoalVerdicts(records)}
`;
}
