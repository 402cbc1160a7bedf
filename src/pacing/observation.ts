/** Counts that happened since the previous observation of the same target (never negative). */
export interface ObservationDeltas {
  /** Invitations sent. */
  readonly sent: number;
  /** Invitations accepted (engagement platform). */
  readonly inviteAccepted: number;
  /** Invitations declined. */
  readonly declined: number;
  /** Invitations expired. */
  readonly expired: number;
  /** Proactive interactions that entered the virtual queue (statistics). */
  readonly queueAccepted: number;
  /** Proactive interactions abandoned before an agent joined. */
  readonly abandoned: number;
  /** Proactive interactions an agent joined. */
  readonly answered: number;
  /** Handle seconds of finished proactive interactions. */
  readonly handleSeconds: number;
  /** Seconds of statistics time covered by the statistics deltas (0 when the snapshot did not advance). */
  readonly statsSeconds: number;
}

/** Everything a policy sees about one target for one interval. Plain data. */
export interface Observation {
  /** Target id `${virtualQueue}:${media}`. */
  readonly targetId: string;
  /** Media of the target. */
  readonly media: string;
  /** Decision time, ms since the epoch (virtual in the simulator). */
  readonly nowMs: number;
  /** Length of the interval the invitations are for, in ms. */
  readonly intervalMs: number;
  /** Age of the statistics snapshot at decision time, in ms. */
  readonly statsAgeMs: number;
  /** True when the snapshot is older than the staleness limit (or missing). */
  readonly isStale: boolean;
  /** True when the target is paused. */
  readonly isPaused: boolean;
  /** Abandonment goal as a ratio (3 % = 0.03). */
  readonly goalRatio: number;
  /** Hard cap per interval; undefined when none. */
  readonly maxInvitesPerInterval: number | undefined;
  /** Free slots for the target's media after the shared-capacity split (may be fractional). */
  readonly freeSlots: number;
  /** Busy slots of the target's agents for its media after the split. */
  readonly busySlots: number;
  /** Staffed slots (capacity of ready and busy agents) after the split. */
  readonly staffedSlots: number;
  /** Distinct agents resolved for the target. */
  readonly agentCount: number;
  /** Proactive interactions waiting now. */
  readonly waiting: number;
  /** Ages of waiting interactions in seconds, when the source gives them. */
  readonly waitingAgesSeconds: readonly number[] | undefined;
  /** Pending invitations reported by the engagement platform. */
  readonly pending: number;
  /** True when the engagement platform reported on this target. */
  readonly hasEngagementReport: boolean;
  /** Counts since the previous observation. */
  readonly deltas: ObservationDeltas;
}

/** The cumulative counters remembered for one target between observations (plain data). */
export interface CounterMemoryEntry {
  /** Snapshot time (ms) the statistics counters were read at. */
  readonly statsTimeMs: number;
  /** Decision time (ms) of the previous observation. */
  readonly nowMs: number;
  /** Statistics counters: accepted, abandoned, answered, handle seconds; null before the queue was seen. */
  readonly stats: readonly [number, number, number, number] | null;
  /** Engagement counters: sent, accepted, declined, expired; null before the first report. */
  readonly engagement: readonly [number, number, number, number] | null;
}

/** Counter memory of every target, by target id; JSON-serialisable. */
export type CounterMemory = Readonly<Record<string, CounterMemoryEntry>>;
