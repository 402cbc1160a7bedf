// Reads a Go program's garbage collections from its `GODEBUG=gctrace=1` lines (the bench starts the control plane
// so) and says which of the window's cycles one overlapped. The API server's collections run their mark workers on
// every idle core, so on a small machine a collection is a core the operator's cycle did not get.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { percentile } from './scale-figures.js';

/** One collection, on the wall clock. */
export interface GoCollection {
  /** When it began (sweep termination), ms since the epoch. */
  readonly startMs: number;
  /** Its wall time: the two stop-the-world pauses and the concurrent marking between them, ms. */
  readonly wallMs: number;
  /** CPU of all its workers (assists, background and idle-time marking, the pauses), ms. */
  readonly cpuMs: number;
  /** The part of `cpuMs` that idle-time mark workers used: cores the program had no other work for. */
  readonly idleCpuMs: number;
  /** The heap live after marking, MB (Go's MB, 2^20 bytes). */
  readonly liveMiB: number;
}

// gc 12 @3.456s 2%: 0.1+45+0.2 ms clock, 0.2+1.5/40/80+0.4 ms cpu, 300->320->150 MB, 310 MB goal, ...
const GCTRACE_LINE =
  /^gc \d+ @([\d.]+)s \d+%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, ([\d.]+)\+([\d.]+)\/([\d.]+)\/([\d.]+)\+([\d.]+) ms cpu, \d+->\d+->(\d+) MB/;

/** The collections in `text` (a log with gctrace lines among others), for a program that started at `startMs`. */
export function parseGcTrace(text: string, startMs: number): GoCollection[] {
  const collections: GoCollection[] = [];
  for (const line of text.split('\n')) {
    const m = GCTRACE_LINE.exec(line);
    if (m === null) continue;
    const n = m.slice(1).map(Number);
    collections.push({
      startMs: startMs + n[0]! * 1000,
      wallMs: n[1]! + n[2]! + n[3]!,
      cpuMs: n[4]! + n[5]! + n[6]! + n[7]! + n[8]!,
      idleCpuMs: n[7]!,
      liveMiB: n[9]!,
    });
  }
  return collections;
}

/**
 * When process `pid` started, ms since the epoch (to about 10 ms: the clock ticks of /proc/<pid>/stat), or
 * undefined when it cannot be read. The boot time comes from /proc/uptime, which has centiseconds, not from
 * /proc/stat's btime, which has whole seconds.
 */
export function processStartMs(pid: number): number | undefined {
  try {
    const nowMs = Date.now();
    const uptimeSeconds = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces; starttime is field 22, the 20th after it.
    const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    const result = nowMs - uptimeSeconds * 1000 + (startTicks * 1000) / clockTicksPerSecond();
    return Number.isFinite(result) ? result : undefined;
  } catch {
    return undefined;
  }
}

let ticksPerSecond: number | undefined;
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // USER_HZ on every mainstream Linux build
    }
  }
  return ticksPerSecond;
}

/** A cycle of the window, on the wall clock. */
export interface WindowCycle {
  readonly startMs: number;
  readonly endMs: number;
}

/** The window's collections and the cycles they overlapped. */
export interface GoGcOverlap {
  /** Collections that began in the window. */
  readonly collections: number;
  /** Seconds between consecutive ones, p50 (undefined below two). */
  readonly intervalP50Seconds?: number;
  /** Each one's wall time and CPU, p50, ms; the idle-time workers' part of the CPU, p50. */
  readonly wallP50Ms: number;
  readonly cpuP50Ms: number;
  readonly idleCpuP50Ms: number;
  /** Heap live after marking, p50, MiB. */
  readonly liveP50MiB: number;
  /** Cycles of the window, and those a collection overlapped. */
  readonly cycles: number;
  readonly overlappedCycles: number;
  /** Cycle p50 of the overlapped cycles and of the others, ms (undefined where there are none). */
  readonly overlappedP50Ms?: number;
  readonly otherP50Ms?: number;
  /** The slowest cycles, slowest first, with the collections that overlapped each (start relative to the cycle's). */
  readonly slowest: readonly {
    readonly durationMs: number;
    readonly collections: readonly {
      readonly offsetMs: number;
      readonly wallMs: number;
      readonly cpuMs: number;
    }[];
  }[];
}

/** Which of `cycles` the `collections` overlapped (from `fromMs` to `toMs`, the window); undefined without any. */
export function gcOverlap(
  collections: readonly GoCollection[],
  cycles: readonly WindowCycle[],
  fromMs: number,
  toMs: number,
  slowestCount = 3,
): GoGcOverlap | undefined {
  const inWindow = collections.filter((c) => c.startMs >= fromMs && c.startMs <= toMs);
  if (inWindow.length === 0 || cycles.length === 0) return undefined;
  // Each cycle with the collections that overlapped it, found once.
  const withCollections = cycles.map((cycle) => ({
    durationMs: cycle.endMs - cycle.startMs,
    startMs: cycle.startMs,
    collections: collections.filter((c) => c.startMs < cycle.endMs && c.startMs + c.wallMs > cycle.startMs),
  }));
  const overlapped = withCollections.filter((c) => c.collections.length > 0).map((c) => c.durationMs);
  const others = withCollections.filter((c) => c.collections.length === 0).map((c) => c.durationMs);
  const intervals = inWindow.slice(1).map((c, i) => (c.startMs - inWindow[i]!.startMs) / 1000);
  const medianOf = (figure: Exclude<keyof GoCollection, 'startMs'>) =>
    percentile(
      inWindow.map((c) => c[figure]),
      50,
    );
  return {
    collections: inWindow.length,
    ...(intervals.length > 0 ? { intervalP50Seconds: percentile(intervals, 50) } : {}),
    wallP50Ms: medianOf('wallMs'),
    cpuP50Ms: medianOf('cpuMs'),
    idleCpuP50Ms: medianOf('idleCpuMs'),
    liveP50MiB: medianOf('liveMiB'),
    cycles: cycles.length,
    overlappedCycles: overlapped.length,
    ...(overlapped.length > 0 ? { overlappedP50Ms: percentile(overlapped, 50) } : {}),
    ...(others.length > 0 ? { otherP50Ms: percentile(others, 50) } : {}),
    slowest: withCollections
      .sort((a, b) => b.durationMs - a.durationMs)
      .slice(0, slowestCount)
      .map((cycle) => ({
        durationMs: cycle.durationMs,
        collections: cycle.collections.map((c) => ({
          offsetMs: c.startMs - cycle.startMs,
          wallMs: c.wallMs,
          cpuMs: c.cpuMs,
        })),
      })),
  };
}

/** `GODEBUG` with `gctrace=1` added (what the environment already sets is kept). */
export function withGcTrace(godebug: string | undefined): string {
  return [godebug, 'gctrace=1'].filter((s) => s !== undefined && s !== '').join(',');
}
