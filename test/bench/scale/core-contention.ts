// Samples, from /proc/<pid>/task/*/schedstat (Linux), the CPU time of the processes that share the machine with
// the operator and how long each process's main thread waited in the run queue for a core. A slow cycle can then be
// told apart: the operator's own work, or a core the API server, etcd or the reference servers held meanwhile.
import { readdirSync, readFileSync } from 'node:fs';
import { percentile } from './scale-figures.js';

/** A process to watch, named as the report names it. */
export interface WatchedProcess {
  readonly name: string;
  readonly pid: number;
  /**
   * Whether its threads other than the main one are helpers worth naming apart (Node: V8's garbage collection and
   * compiler threads). A Go program's goroutines run on any of its threads, so there the split means nothing.
   */
  readonly hasHelperThreads?: boolean;
}

/** One reading of every watched process: cumulative nanoseconds, NaN where the process could not be read. */
export interface ContentionSample {
  readonly atMs: number;
  /** Per watched process, in order: the main thread's run time, its run-queue wait, the other threads' run time. */
  readonly mainRunNs: readonly number[];
  readonly mainWaitNs: readonly number[];
  readonly helpersRunNs: readonly number[];
}

/** What one process did between two readings, ms. */
export interface ProcessContention {
  readonly name: string;
  readonly mainRunMs: number;
  readonly mainWaitMs: number;
  readonly helpersRunMs: number;
}

/** Reads the watched processes every `everyMs` until stopped; cheap (a few dozen small /proc reads a sample). */
export class ContentionSampler {
  readonly #processes: readonly WatchedProcess[];
  readonly #samples: ContentionSample[] = [];
  #timer: NodeJS.Timeout | undefined;

  /** Watches `processes` (not yet sampling). */
  constructor(processes: readonly WatchedProcess[]) {
    this.#processes = processes;
  }

  /** The watched processes, in the order of each sample's figures. */
  get processes(): readonly WatchedProcess[] {
    return this.#processes;
  }

  /** Starts sampling every `everyMs` (a sample now, too). */
  start(everyMs = 100): void {
    this.stop();
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), everyMs);
    this.#timer.unref();
  }

  /** Stops sampling after one last sample. */
  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sample();
  }

  /** The samples taken so far, oldest first. */
  samples(): readonly ContentionSample[] {
    return this.#samples;
  }

  #sample(): void {
    const atMs = Date.now();
    const mainRunNs: number[] = [];
    const mainWaitNs: number[] = [];
    const helpersRunNs: number[] = [];
    for (const { pid } of this.#processes) {
      const threads = readThreads(pid);
      const main = threads?.get(pid);
      mainRunNs.push(main?.runNs ?? Number.NaN);
      mainWaitNs.push(main?.waitNs ?? Number.NaN);
      let helpers = threads === undefined ? Number.NaN : 0;
      threads?.forEach((t, tid) => {
        if (tid !== pid) helpers += t.runNs;
      });
      helpersRunNs.push(helpers);
    }
    this.#samples.push({ atMs, mainRunNs, mainWaitNs, helpersRunNs });
  }
}

/**
 * Each watched process's figures between `fromMs` and `toMs`, from the last sample at or before `fromMs` to the
 * first at or after `toMs` (so the span covers the interval and at most one sampling period more on each side);
 * undefined when the samples do not cover it. Threads that ended in between are not counted (their time is gone
 * from /proc), which only ever lowers a figure.
 */
export function contentionBetween(
  processes: readonly WatchedProcess[],
  samples: readonly ContentionSample[],
  fromMs: number,
  toMs: number,
): { spanMs: number; byProcess: ProcessContention[] } | undefined {
  let first: ContentionSample | undefined;
  let last: ContentionSample | undefined;
  for (const sample of samples) {
    if (sample.atMs <= fromMs) first = sample;
    if (sample.atMs >= toMs) {
      last = sample;
      break;
    }
  }
  if (first === undefined || last === undefined) return undefined;
  const ms = (after: number, before: number) => Math.max(0, (after - before) / 1e6);
  return {
    spanMs: last.atMs - first.atMs,
    byProcess: processes.map((p, i) => ({
      name: p.name,
      mainRunMs: ms(last.mainRunNs[i]!, first.mainRunNs[i]!),
      mainWaitMs: ms(last.mainWaitNs[i]!, first.mainWaitNs[i]!),
      helpersRunMs: ms(last.helpersRunNs[i]!, first.helpersRunNs[i]!),
    })),
  };
}

/** Run and run-queue wait nanoseconds of each thread of `pid`, or undefined when the process is gone. */
function readThreads(pid: number): Map<number, { runNs: number; waitNs: number }> | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const threads = new Map<number, { runNs: number; waitNs: number }>();
  for (const tid of tids) {
    try {
      // "<run ns> <run-queue wait ns> <timeslices>" (Documentation/scheduler/sched-stats.rst)
      const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
      threads.set(Number(tid), { runNs: Number(run), waitNs: Number(wait) });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return threads;
}

/** One cycle of the window: which watched process ran it (an index into the processes) and when. */
export interface TimedCycle {
  readonly processIndex: number;
  readonly startMs: number;
  readonly endMs: number;
}

/** What the window's cycles waited for: the operator thread's run-queue wait and the slowest cycles' company. */
export interface CycleContention {
  /** Cycles the samples covered. */
  readonly cycles: number;
  /** The operator thread's run-queue wait per cycle, p50 and p99 (nearest rank), ms. */
  readonly waitP50Ms: number;
  readonly waitP99Ms: number;
  /** The slowest cycles, slowest first: the thread's run time and wait, and the CPU every process used meanwhile. */
  readonly slowest: readonly {
    readonly durationMs: number;
    readonly spanMs: number;
    readonly runMs: number;
    readonly waitMs: number;
    /**
     * CPU ms of each process in the span (the cycle's own operator: its other threads), largest first, and of its
     * helper threads where it has some.
     */
    readonly others: readonly {
      readonly name: string;
      readonly cpuMs: number;
      readonly helpersMs?: number;
    }[];
  }[];
}

/** Summarises `cycles` against the samples; undefined when the samples cover none of them. */
export function cycleContention(
  processes: readonly WatchedProcess[],
  samples: readonly ContentionSample[],
  cycles: readonly TimedCycle[],
  slowestCount = 3,
): CycleContention | undefined {
  const covered = cycles
    .map((cycle) => ({ cycle, figures: contentionBetween(processes, samples, cycle.startMs, cycle.endMs) }))
    .filter(
      (c): c is { cycle: TimedCycle; figures: NonNullable<typeof c.figures> } => c.figures !== undefined,
    );
  if (covered.length === 0) return undefined;
  const waits = covered.map((c) => c.figures.byProcess[c.cycle.processIndex]!.mainWaitMs);
  const slowest = [...covered]
    .sort((a, b) => b.cycle.endMs - b.cycle.startMs - (a.cycle.endMs - a.cycle.startMs))
    .slice(0, slowestCount)
    .map(({ cycle, figures }) => {
      const own = figures.byProcess[cycle.processIndex]!;
      const others = figures.byProcess
        .map((p, i) =>
          i === cycle.processIndex
            ? { name: `${p.name}'s other threads`, cpuMs: p.helpersRunMs }
            : {
                name: p.name,
                cpuMs: p.mainRunMs + p.helpersRunMs,
                ...(processes[i]!.hasHelperThreads ? { helpersMs: p.helpersRunMs } : {}),
              },
        )
        .sort((a, b) => b.cpuMs - a.cpuMs);
      return {
        durationMs: cycle.endMs - cycle.startMs,
        spanMs: figures.spanMs,
        runMs: own.mainRunMs,
        waitMs: own.mainWaitMs,
        others,
      };
    });
  return {
    cycles: covered.length,
    waitP50Ms: percentile(waits, 50),
    waitP99Ms: percentile(waits, 99),
    slowest,
  };
}
