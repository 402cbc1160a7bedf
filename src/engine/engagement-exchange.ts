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

/** The header of an exchange request: everything but the targets. */
export type AllowanceHeader = Omit<AllowanceRequest, 'targets'>;

/** Port to the engagement platform (the OAuth2 + gzip HTTP client in production, a fake in unit tests). */
export interface EngagementExchange {
  /** Publishes the allowances and returns the platform's reports; rejects when the platform is unreachable. */
  exchange(request: AllowanceRequest, signal: AbortSignal): Promise<AllowanceAnswer>;
  /**
   * The same exchange for `count` targets under one fencing token, whose entries `produce(from, to)` gives as
   * their chunk's turn comes, so that the engine decides the later targets while the first ones are on their way.
   * Optional: without it the engine decides everything first.
   */
  exchangeProduced?(
    header: AllowanceHeader,
    count: number,
    fence: string | undefined,
    produce: (from: number, to: number) => AllowanceEntry[],
    signal: AbortSignal,
  ): Promise<AllowanceAnswer>;
}
