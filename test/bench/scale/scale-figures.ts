// Turns what a scale run observed (two /metrics scrapes around a steady window, per-cycle log lines, /proc
// samples) into the figures of bench/results/scale.json.
import type { PrometheusSample } from '../../../src/demo/prometheus-text.js';
import type { CycleContention } from './core-contention.js';
import type { GoGcOverlap } from './go-gc-trace.js';

/** One row of bench/results/scale.json (the field names the issue asks for). */
export interface ScaleRow {
  targets: number;
  agents: number;
  replicas: number;
  shards: number;
  /** Seconds from the first create until the last target turned Ready=True (null: not all became Ready). */
  readySeconds: number | null;
  /** Null when no cycle ran in the window (e.g. the replica lost its Lease). */
  cycleP50Ms: number | null;
  cycleP99Ms: number | null;
  cpuMsPerCycle: number | null;
  rssMiB: number;
  apiWritesPerSecond: number;
  bytesPerExchange: number;
}

/** Figures that go to the Markdown report only (they explain the row). */
export interface ScaleDetails {
  /** Seconds to create every PacingTarget. */
  createSeconds: number;
  /** Targets Ready=True when the wait ended. */
  readyTargets: number;
  /** Largest time from a target's create to the first list showing it Ready=True, seconds. */
  maxReadyAfterCreateSeconds: number | null;
  /**
   * Seconds from the first create until every target showed its first pacing decision (a Pacing condition), when
   * the steady window begins; null: not all did; absent in older records.
   */
  decidedSeconds?: number | null;
  /** Interval of those lists (the resolution of the Ready figures), seconds. */
  readyPollSeconds: number;
  /** V8 heap in use at the end of the window (nodejs_heap_size_used_bytes), MiB. */
  heapUsedMiB: number;
  /** Apiserver writes per second in the window by resource and verb. */
  apiWritesByResource: Record<string, number>;
  /** PacingTarget condition transitions per second in the window by type and reason; absent in older records. */
  targetTransitionsByReason?: Record<string, number>;
  /** Replicas whose /metrics did not answer within 30 s at the end of the window (their figures are missing). */
  unresponsiveReplicas: number;
  /** Whether the replica held the Lease at the end of the window. */
  leadingAtEnd: boolean;
  /** Warning and error log lines of the operator over the whole run: message, count and the first cause. */
  problems: { msg: string; count: number; firstError: string }[];
  /** Cycles in the steady window and how many published allowances. */
  windowCycles: number;
  publishedCycles: number;
  windowSeconds: number;
  /** Operator status writes per second in the window (pacing_status_writes_total) and the budget. */
  statusWritesPerSecond: number;
  statusWriteBudget: number;
  /** Those writes per second by the writer's class label (urgent-first, urgent, first, routine); absent in older records. */
  statusWritesByClass?: Record<string, number>;
  /** Status writes still queued at the end of the window (pacing_status_pending_writes). */
  pendingStatusWrites: number;
  /** Largest cycle seen in the window, ms (null: none ran). */
  cycleMaxMs: number | null;
  /** Peak operator RSS over the whole run (creates and onboarding included), MiB. */
  rssPeakMiB: number;
  /** Peak operator RSS within the steady window, MiB; absent in records of runs before it was measured. */
  rssWindowPeakMiB?: number;
  /** Reference servers' CPU share of one core in the window (0-1) and their peak RSS. */
  serversCpuShare: number;
  serversRssPeakMiB: number;
  /** Compressed request and answer bytes per exchange chunk, chunks per cycle. */
  requestBytesPerChunk: number;
  responseBytesPerChunk: number;
  chunksPerCycle: number;
  /** Mean engagement round trip per chunk, ms. */
  engagementRoundTripMs: number;
  /**
   * Each phase of the window's cycles, p50 and p99 of its wall time and of its thread CPU (ms); absent in
   * records of runs before the operator logged them.
   */
  cyclePhases?: Record<CyclePhase, PhaseFigures>;
  /**
   * The operator thread's wait for a core in the window's cycles and what the machine's other processes ran during
   * the slowest ones (from /proc schedstat); absent in records of runs before it was measured, or off Linux.
   */
  contention?: CycleContention;
  /**
   * The API server's Go garbage collections in the window (its `GODEBUG=gctrace=1` lines) and the cycles they
   * overlapped; absent in records of runs before it was measured.
   */
  apiServerGc?: GoGcOverlap;
}

/** The phases of a cycle in the operator's log line, and the whole cycle. */
export type CyclePhase = 'stats' | 'decide' | 'publish' | 'cycle';

/** p50 and p99 of one phase's wall time and of its thread CPU, ms (CPU null: not logged). */
export interface PhaseFigures {
  wallP50: number;
  wallP99: number;
  cpuP50: number | null;
  cpuP99: number | null;
}

/** p50/p99 of each phase's wall time and thread CPU over `lines`, or undefined when no line has phases. */
export function phaseFigures(lines: readonly CycleLine[]): Record<CyclePhase, PhaseFigures> | undefined {
  const phased = lines.filter((l) => l.phasesMs !== undefined);
  if (phased.length === 0) return undefined;
  const figures = (wall: number[], cpu: (number | undefined)[]): PhaseFigures => {
    const cpuKnown = cpu.filter((c): c is number => c !== undefined);
    return {
      wallP50: percentile(wall, 50),
      wallP99: percentile(wall, 99),
      cpuP50: cpuKnown.length === 0 ? null : round(percentile(cpuKnown, 50), 1),
      cpuP99: cpuKnown.length === 0 ? null : round(percentile(cpuKnown, 99), 1),
    };
  };
  const phase = (name: Exclude<CyclePhase, 'cycle'>): PhaseFigures =>
    figures(
      phased.map((l) => l.phasesMs![name]),
      phased.map((l) => l.phasesCpuMs?.[name]),
    );
  const sum = (p: Readonly<Record<Exclude<CyclePhase, 'cycle'>, number>>): number =>
    p.stats + p.decide + p.publish;
  return {
    stats: phase('stats'),
    decide: phase('decide'),
    publish: phase('publish'),
    cycle: figures(
      phased.map((l) => l.durationMs),
      phased.map((l) => (l.phasesCpuMs === undefined ? undefined : sum(l.phasesCpuMs))),
    ),
  };
}

/** `value` rounded to `digits` decimals. */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Sum of the samples named `name` whose labels include every pair of `match`. */
export function sumOf(
  samples: readonly PrometheusSample[],
  name: string,
  match: Readonly<Record<string, string | RegExp>> = {},
): number {
  let total = 0;
  for (const s of samples) {
    if (s.name !== name) continue;
    const ok = Object.entries(match).every(([k, v]) =>
      typeof v === 'string' ? s.labels[k] === v : v.test(s.labels[k] ?? ''),
    );
    if (ok) total += s.value;
  }
  return total;
}

/** Nearest-rank percentile of `values` (0 when empty). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

/** One parsed "pacing cycle done" debug line of the operator. */
export interface CycleLine {
  timeMs: number;
  durationMs: number;
  published: boolean;
  /** Wall time per phase (absent in lines of older operators). */
  phasesMs?: Readonly<Record<Exclude<CyclePhase, 'cycle'>, number>>;
  /** Thread CPU per phase (absent when the operator's clock does not read it). */
  phasesCpuMs?: Readonly<Record<Exclude<CyclePhase, 'cycle'>, number>>;
}

/** Parses the operator's JSON log lines and keeps the per-cycle ones. */
export function cycleLines(logText: string): CycleLine[] {
  const lines: CycleLine[] = [];
  for (const line of logText.split('\n')) {
    if (!line.includes('"pacing cycle done"')) continue;
    try {
      const entry = JSON.parse(line) as {
        time?: number;
        durationMs?: number;
        published?: boolean;
        phasesMs?: unknown;
        phasesCpuMs?: unknown;
      };
      if (typeof entry.time === 'number' && typeof entry.durationMs === 'number') {
        const phasesMs = phasesOf(entry.phasesMs);
        const phasesCpuMs = phasesOf(entry.phasesCpuMs);
        lines.push({
          timeMs: entry.time,
          durationMs: entry.durationMs,
          published: entry.published === true,
          ...(phasesMs === undefined ? {} : { phasesMs }),
          ...(phasesCpuMs === undefined ? {} : { phasesCpuMs }),
        });
      }
    } catch {
      // a line cut by the log rotation of a crash; not a cycle
    }
  }
  return lines;
}

/** The cycles that began at or after `fromMs` and ended (their line was written) at or before `toMs`. */
export function cyclesWithin(lines: readonly CycleLine[], fromMs: number, toMs: number): CycleLine[] {
  return lines.filter((l) => l.timeMs - l.durationMs >= fromMs && l.timeMs <= toMs);
}

/** The three phase figures of a log line's field, or undefined when it lacks any of them. */
function phasesOf(value: unknown): Record<Exclude<CyclePhase, 'cycle'>, number> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { stats, decide, publish } = value as Record<string, unknown>;
  if (typeof stats !== 'number' || typeof decide !== 'number' || typeof publish !== 'number')
    return undefined;
  return { stats, decide, publish };
}

/** Apiserver write requests (every mutating verb) counted in `apiserver_request_total`. */
export function apiserverWrites(samples: readonly PrometheusSample[]): number {
  return sumOf(samples, 'apiserver_request_total', { verb: /^(POST|PUT|PATCH|DELETE|APPLY)$/ });
}

/** Counts the operator's warning and error lines by message, keeping the first error text of each. */
export function logProblems(logText: string): { msg: string; count: number; firstError: string }[] {
  const byMsg = new Map<string, { msg: string; count: number; firstError: string }>();
  for (const line of logText.split('\n')) {
    if (!/"level":(40|50|60)/.test(line)) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      const msg = entry.msg ?? '(no message)';
      const known = byMsg.get(msg);
      if (known) known.count += 1;
      else {
        const firstError = (entry.err?.message ?? '').replace(/\s+/g, ' ').slice(0, 160);
        byMsg.set(msg, { msg, count: 1, firstError });
      }
    } catch {
      // not a JSON line
    }
  }
  return [...byMsg.values()].sort((a, b) => b.count - a.count);
}
