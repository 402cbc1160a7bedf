/**
 * Per-minute tallies of the scored time [0, durationSeconds): accepted and abandoned proactive interactions,
 * invitations, and busy and staffed slot-seconds, per target and overall. Everything the benchmark reports is
 * computed from these, so every figure means one thing.
 */
export class SimulationRecorder {
  /** Number of one-minute buckets. */
  readonly minutes: number;
  /** Accepted proactive interactions per target per minute (by the time they entered the queue). */
  readonly accepted: Float64Array[];
  /** Abandoned proactive interactions per target per minute (by the time they left). */
  readonly abandoned: Float64Array[];
  /** Invitations sent per target per minute. */
  readonly invites: Float64Array[];
  /** Busy slot-seconds of each target's agents (its media) per minute. */
  readonly busy: Float64Array[];
  /** Staffed slot-seconds of each target's agents (its media) per minute. */
  readonly staffed: Float64Array[];
  /** Busy slot-seconds of all agents and media per minute. */
  readonly busyAll: Float64Array;
  /** Staffed slot-seconds of all agents and media per minute. */
  readonly staffedAll: Float64Array;
  /** Sum of accept → agent waits of answered proactive interactions, per target. */
  readonly waitSeconds: Float64Array;
  /** Answered proactive interactions, per target. */
  readonly answered: Float64Array;
  readonly #duration: number;

  constructor(targetCount: number, durationSeconds: number) {
    this.#duration = Number.isFinite(durationSeconds) ? durationSeconds : 0;
    this.minutes = Math.ceil(this.#duration / 60);
    const perTarget = (): Float64Array[] =>
      Array.from({ length: targetCount }, () => new Float64Array(this.minutes));
    this.accepted = perTarget();
    this.abandoned = perTarget();
    this.invites = perTarget();
    this.busy = perTarget();
    this.staffed = perTarget();
    this.busyAll = new Float64Array(this.minutes);
    this.staffedAll = new Float64Array(this.minutes);
    this.waitSeconds = new Float64Array(targetCount);
    this.answered = new Float64Array(targetCount);
  }

  #bucket(time: number): number {
    return time >= 0 && time < this.#duration ? Math.floor(time / 60) : -1;
  }

  /** Counts an event of a per-target series at `time` (ignored outside the scored time). */
  count(series: Float64Array[], target: number, time: number, amount = 1): void {
    const b = this.#bucket(time);
    if (b >= 0) series[target]![b]! += amount;
  }

  /** Counts an answered interaction's wait. */
  recordWait(target: number, time: number, waitSeconds: number): void {
    if (this.#bucket(time) < 0) return;
    this.waitSeconds[target]! += waitSeconds;
    this.answered[target]! += 1;
  }

  /** Adds slot-seconds over [from, to) at constant levels, split across minute buckets. */
  accrue(
    from: number,
    to: number,
    busyAll: number,
    staffedAll: number,
    busyByTarget: Float64Array,
    staffedByTarget: Float64Array,
  ): void {
    let start = Math.max(0, from);
    const end = Math.min(this.#duration, to);
    while (start < end) {
      const b = Math.floor(start / 60);
      const stop = Math.min(end, (b + 1) * 60);
      const dt = stop - start;
      this.busyAll[b]! += busyAll * dt;
      this.staffedAll[b]! += staffedAll * dt;
      for (let t = 0; t < busyByTarget.length; t++) {
        this.busy[t]![b]! += busyByTarget[t]! * dt;
        this.staffed[t]![b]! += staffedByTarget[t]! * dt;
      }
      start = stop;
    }
  }
}
