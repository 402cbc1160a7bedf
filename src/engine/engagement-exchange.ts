import type {
  EngagementAnswer,
  EngagementRequestInput,
  EngagementTargetReport as WireTargetReport,
} from '../api/protocol/index.js';

/** What the engine publishes every cycle: the logical exchange request of the wire protocol. */
export type AllowanceRequest = EngagementRequestInput;

/** One target's allowance in a request: id, invitations for the interval, group names. */
export type AllowanceEntry = EngagementRequestInput['targets'][number];

/** The platform's answer to one exchange: the logical answer of the wire protocol. */
export type AllowanceAnswer = EngagementAnswer;

/** What the platform reports back per target (pending invitations, cumulative counters, optional error). */
export type EngagementTargetReport = WireTargetReport;

/** Port to the engagement platform (the OAuth2 + gzip HTTP client in production, a fake in unit tests). */
export interface EngagementExchange {
  /** Publishes the allowances and returns the platform's reports; rejects when the platform is unreachable. */
  exchange(request: AllowanceRequest, signal: AbortSignal): Promise<AllowanceAnswer>;
}
