/** One target's allowance in an exchange request (logical content of CONTRACTS.md). */
export interface AllowanceEntry {
  /** Target id `${virtualQueue}:${media}`. */
  readonly id: string;
  /** Invitations the platform may send during this interval (integer ≥ 0). */
  readonly invites: number;
  /** Names of the agent groups that serve the target. */
  readonly groups: readonly string[];
}

/** What the engine publishes every cycle. */
export interface AllowanceRequest {
  /** The PacingCluster's id on the platform. */
  readonly clusterId: string;
  /** Monotonic cycle number; unique across leaders because it is derived from the slot start time. */
  readonly cycleId: number;
  /** Length of the interval the allowances are valid for, in milliseconds. */
  readonly intervalMs: number;
  /** Identity of the operator instance that publishes (the lease holder). */
  readonly publisher: string;
  /** One entry per target of the cluster. */
  readonly targets: readonly AllowanceEntry[];
}

/** What the platform reports back per target; counters are cumulative. */
export interface EngagementTargetReport {
  /** Target id. */
  readonly id: string;
  /** Invitations shown and not yet resolved. */
  readonly pending: number;
  /** Cumulative invitations sent. */
  readonly sentTotal: number;
  /** Cumulative invitations accepted. */
  readonly acceptedTotal: number;
  /** Cumulative invitations declined. */
  readonly declinedTotal: number;
  /** Cumulative invitations expired. */
  readonly expiredTotal: number;
  /** Set when the platform refused this target's allowance. */
  readonly error?: { readonly code: string; readonly message: string } | undefined;
}

/** The platform's answer to one exchange. */
export interface AllowanceAnswer {
  /** Echo of the request's cycle number. */
  readonly cycleId: number;
  /** One report per target the platform knows. */
  readonly targets: readonly EngagementTargetReport[];
}

/** Port to the engagement platform (the OAuth2 + gzip HTTP client in production, a fake in unit tests). */
export interface EngagementExchange {
  /** Publishes the allowances and returns the platform's reports; rejects when the platform is unreachable. */
  exchange(request: AllowanceRequest, signal: AbortSignal): Promise<AllowanceAnswer>;
}
