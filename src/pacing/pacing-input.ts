/** Per-media state of one agent in a statistics snapshot (the wire shape of CONTRACTS.md). */
export interface AgentMediaInput {
  /** `ready` offers `capacity − load` free slots; `busy` and `not-ready` offer none. */
  readonly state: 'ready' | 'busy' | 'not-ready';
  /** Slots the agent has for this media (voice 1, chat often 2–4). */
  readonly capacity: number;
  /** Slots in use now (interactions being handled or wrapped up). */
  readonly load: number;
}

/** One agent of a statistics snapshot. */
export interface AgentInput {
  /** Stable agent id. */
  readonly id: string;
  /** Names of the agent groups the agent belongs to. */
  readonly groups: readonly string[];
  /** Skill levels by skill name (a missing skill counts as level 0). */
  readonly skills: Readonly<Record<string, number>>;
  /** State per media name. */
  readonly media: Readonly<Record<string, AgentMediaInput>>;
}

/** One virtual queue of one media in a statistics snapshot. Cumulative counters reset when the source restarts. */
export interface VirtualQueueInput {
  /** Virtual queue name; with `media` it makes the target id `${name}:${media}`. */
  readonly name: string;
  /** Media of the queue. */
  readonly media: string;
  /** Proactive interactions waiting for an agent now. */
  readonly waiting: number;
  /** Optional age in seconds of each waiting interaction. */
  readonly waitingAgesSeconds?: readonly number[] | undefined;
  /** Cumulative: proactive interactions that entered the queue. */
  readonly acceptedTotal: number;
  /** Cumulative: interactions abandoned before an agent joined. */
  readonly abandonedTotal: number;
  /** Cumulative: interactions an agent joined. */
  readonly answeredTotal: number;
  /** Cumulative: handle seconds of finished interactions. */
  readonly handleSecondsTotal: number;
}

/** The statistics snapshot as src/pacing reads it; the wire object of CONTRACTS.md is assignable to it. */
export interface StatsSnapshotInput {
  /** ISO-8601 time at which the data was true; staleness is measured from it. */
  readonly snapshotTime: string;
  /** Every agent the source knows. */
  readonly agents: readonly AgentInput[];
  /** Every virtual queue the source knows. */
  readonly virtualQueues: readonly VirtualQueueInput[];
}

/** The engagement platform's report for one target: pending invitations and cumulative counters. */
export interface EngagementReportInput {
  /** Target id `${virtualQueue}:${media}`. */
  readonly id: string;
  /** Invitations sent and not yet accepted, declined or expired. */
  readonly pending: number;
  /** Cumulative invitations sent. */
  readonly sentTotal: number;
  /** Cumulative invitations accepted. */
  readonly acceptedTotal: number;
  /** Cumulative invitations declined. */
  readonly declinedTotal: number;
  /** Cumulative invitations expired. */
  readonly expiredTotal: number;
}

/** One agent group of a target: a fixed list of agent ids, a skill expression, or (neither) the group name. */
export interface AgentGroupInput {
  /** Group name; an agent whose `groups` contains it belongs unless `agents` or `skillExpression` is given. */
  readonly name: string;
  /** Fixed member agent ids. */
  readonly agents?: readonly string[] | undefined;
  /** Skill expression such as `Spanish > 5 & Sales >= 3`. */
  readonly skillExpression?: string | undefined;
}

/** A pacing target as the pure code needs it. */
export interface TargetInput {
  /** `${virtualQueue}:${media}`. */
  readonly id: string;
  /** Virtual queue name (defaults to the id before its last `:`). */
  readonly virtualQueue?: string | undefined;
  /** Media of the target (chat, voice, …). */
  readonly media: string;
  /** Abandonment goal in percent (0–100). */
  readonly goalPercent: number;
  /** Agent groups serving the target; an agent in several groups counts once. */
  readonly agentGroups: readonly AgentGroupInput[];
  /** Hard cap of invitations per interval. */
  readonly maxInvitesPerInterval?: number | undefined;
  /** A paused target gets 0 invitations and leaves its agents' free slots to the other targets. */
  readonly paused: boolean;
}
