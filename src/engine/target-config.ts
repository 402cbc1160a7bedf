/** An agent group as the engine hands it to the decider: either a fixed agent list or a skill expression. */
export interface TargetGroupConfig {
  /** Group name, also sent to the engagement platform. */
  readonly name: string;
  /** Agent ids of a fixed list. */
  readonly agents?: readonly string[] | undefined;
  /** Skill expression source text, already checked by the reconciler. */
  readonly skillExpression?: string | undefined;
}

/**
 * One PacingTarget as the worker paces it: configuration resolved by the reconciler (defaults applied, the spec
 * parsed), so nothing in the engine reads Kubernetes objects.
 */
export interface TargetConfig {
  /** `namespace/name` of the PacingTarget; outcomes are reported under this key. */
  readonly key: string;
  /** Target id on the wire: `${virtualQueue}:${media}`. */
  readonly id: string;
  /** Virtual queue name. */
  readonly virtualQueue: string;
  /** Single media type (chat, voice, …). */
  readonly media: string;
  /** Abandonment goal in percent (0–100), the cluster's default already applied. */
  readonly optimizationGoalPercent: number;
  /** The groups serving the target. */
  readonly groups: readonly TargetGroupConfig[];
  /** Hard cap on invitations per interval; undefined means no cap. */
  readonly maxInvitesPerInterval?: number | undefined;
  /** When true the target gets 0 invitations. */
  readonly isPaused: boolean;
}

/** Builds the wire id of a target from its virtual queue and media. */
export function targetIdOf(virtualQueue: string, media: string): string {
  return `${virtualQueue}:${media}`;
}

/**
 * True when two configs of a target say the same (field by field, agent lists element by element). A reconcile
 * builds a new config each time, and the periodic resync reconciles every target: keeping the config object when
 * nothing changed keeps what the workers derive from it (shard lists, the statistics selection, the decider's
 * inputs), which a new object would rebuild, for 30,000 targets in every cycle of a resync.
 */
export function isSameTargetConfig(a: TargetConfig, b: TargetConfig): boolean {
  return (
    a.key === b.key &&
    a.id === b.id &&
    a.virtualQueue === b.virtualQueue &&
    a.media === b.media &&
    a.optimizationGoalPercent === b.optimizationGoalPercent &&
    a.maxInvitesPerInterval === b.maxInvitesPerInterval &&
    a.isPaused === b.isPaused &&
    a.groups.length === b.groups.length &&
    a.groups.every((group, i) => isSameGroup(group, b.groups[i]!))
  );
}

function isSameGroup(a: TargetGroupConfig, b: TargetGroupConfig): boolean {
  if (a.name !== b.name || a.skillExpression !== b.skillExpression) return false;
  if (a.agents === undefined || b.agents === undefined) return a.agents === b.agents;
  return a.agents.length === b.agents.length && a.agents.every((agent, i) => agent === b.agents![i]);
}
