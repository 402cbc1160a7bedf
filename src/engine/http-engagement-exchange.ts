import type { EngagementClient } from '../engagement/index.js';
import type {
  AllowanceAnswer,
  AllowanceRequest,
  EngagementExchange,
  EngagementTargetReport,
} from './engagement-exchange.js';

/**
 * The {@link EngagementExchange} of production: the OAuth2 + gzip HTTP client. Targets the client reports in
 * error (by the platform, or left out of the answer) become reports with `error`, so the engine marks exactly
 * those targets and keeps pacing the others.
 */
export class HttpEngagementExchange implements EngagementExchange {
  readonly #client: EngagementClient;

  constructor(client: EngagementClient) {
    this.#client = client;
  }

  /** Publishes one cycle's allowances and returns the reports per target. */
  async exchange(request: AllowanceRequest, signal: AbortSignal): Promise<AllowanceAnswer> {
    const result = await this.#client.exchange(request, signal);
    // The usual answer: every target reported, none in error; no table by id to build.
    if (result.targetErrors.length === 0) return { cycleId: result.cycleId, targets: result.targets };
    const reports = new Map<string, EngagementTargetReport>(result.targets.map((t) => [t.id, t]));
    for (const error of result.targetErrors) {
      const known = reports.get(error.targetId);
      reports.set(error.targetId, {
        id: error.targetId,
        pending: known?.pending ?? 0,
        sentTotal: known?.sentTotal ?? 0,
        acceptedTotal: known?.acceptedTotal ?? 0,
        declinedTotal: known?.declinedTotal ?? 0,
        expiredTotal: known?.expiredTotal ?? 0,
        error: { code: error.platformCode ?? error.reason, message: error.message },
      });
    }
    return { cycleId: result.cycleId, targets: [...reports.values()] };
  }
}
