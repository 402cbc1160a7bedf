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
