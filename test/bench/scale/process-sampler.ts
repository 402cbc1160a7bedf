// Samples a child process's resident memory and CPU time from /proc once a second (Linux), so the peak RSS is
// known without scraping the process (a scrape of 10,000 targets' metrics is itself work for it).
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** Peak and current RSS and CPU seconds of one process, sampled every second until closed. */
export class ProcessSampler {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  #peakRssBytes = 0;
  #windowPeakRssBytes = 0;
  #lastRssBytes = 0;

  /** Starts sampling `pid`. */
  constructor(pid: number) {
    this.#pid = pid;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), 1000);
    this.#timer.unref();
  }

  /** Highest RSS seen, MiB. */
  peakRssMiB(): number {
    return this.#peakRssBytes / 2 ** 20;
  }

  /** Highest RSS seen since {@link startWindow}, MiB. */
  windowPeakRssMiB(): number {
    return this.#windowPeakRssBytes / 2 ** 20;
  }

  /** Starts a second peak (the steady window's), from a sample taken now. */
  startWindow(): void {
    this.#windowPeakRssBytes = 0;
    this.#sample();
  }

  /** RSS at the last sample, MiB. */
  rssMiB(): number {
    return this.#lastRssBytes / 2 ** 20;
  }

  /** User + system CPU seconds used so far (NaN once the process is gone). */
  cpuSeconds(): number {
    try {
      const stat = readFileSync(`/proc/${this.#pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
    } catch {
      return Number.NaN;
    }
  }

  /** Stops sampling. */
  close(): void {
    clearInterval(this.#timer);
  }

  #sample(): void {
    try {
      const status = readFileSync(`/proc/${this.#pid}/status`, 'utf8');
      const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      this.#lastRssBytes = kb * 1024;
      this.#peakRssBytes = Math.max(this.#peakRssBytes, this.#lastRssBytes);
      this.#windowPeakRssBytes = Math.max(this.#windowPeakRssBytes, this.#lastRssBytes);
    } catch {
      // the process is gone; keep the last figures
    }
  }
}
