/** Stable codes of the engagement errors; the alarms room maps them (REQUEST_FAILED, TARGET, VALIDATION). */
export const EngagementErrorCode = {
  RequestFailed: 'PACING_ERR_ENGAGEMENT_REQUEST_FAILED',
  Auth: 'PACING_ERR_ENGAGEMENT_AUTH',
  Target: 'PACING_ERR_ENGAGEMENT_TARGET',
  Validation: 'PACING_ERR_ENGAGEMENT_VALIDATION',
} as const;

/** One of {@link EngagementErrorCode}. */
export type EngagementErrorCodeValue = (typeof EngagementErrorCode)[keyof typeof EngagementErrorCode];

/** Base of every engagement error: a stable `code`, the endpoint concerned (never a credential), `cause` kept. */
export abstract class EngagementError extends Error {
  /** Stable machine-readable code. */
  abstract readonly code: EngagementErrorCodeValue;
  /** URL of the endpoint concerned (exchange or token endpoint), without credentials. */
  readonly endpoint: string;
  constructor(message: string, endpoint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.endpoint = endpoint;
  }
}

/**
 * The exchange did not get a usable answer: network error, connection reset, TLS or proxy failure, timeout, 5xx,
 * 429 or another non-2xx status, after the retries that were safe.
 */
export class EngagementRequestFailedError extends EngagementError {
  override readonly name = 'EngagementRequestFailedError';
  readonly code = EngagementErrorCode.RequestFailed;
  /** HTTP status of the last answer, undefined when none came. */
  readonly status: number | undefined;
  /** The server's Retry-After of the last answer, ms, when it sent one. */
  readonly retryAfterMs: number | undefined;
  /** HTTP attempts made for the failing chunk. */
  readonly attempts: number;
  constructor(
    message: string,
    endpoint: string,
    details: { status?: number; retryAfterMs?: number; attempts: number },
    options?: { cause?: unknown },
  ) {
    super(message, endpoint, options);
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.attempts = details.attempts;
  }
}

/** No access token could be obtained from `baseAuthURL` (bad credentials, token endpoint down or invalid answer). */
export class EngagementAuthError extends EngagementError {
  override readonly name = 'EngagementAuthError';
  readonly code = EngagementErrorCode.Auth;
  /** HTTP status of the token endpoint, undefined when it did not answer. */
  readonly status: number | undefined;
  /** The OAuth2 `error` field (e.g. `invalid_client`) when the token endpoint sent one. */
  readonly oauthError: string | undefined;
  constructor(
    message: string,
    endpoint: string,
    details: { status?: number; oauthError?: string },
    options?: { cause?: unknown },
  ) {
    super(message, endpoint, options);
    this.status = details.status;
    this.oauthError = details.oauthError;
  }
}

/** Why a target is in error: the platform said so, answered for an id never sent, or left a sent id out. */
export type EngagementTargetErrorReason = 'reported' | 'unknown' | 'missing';

/** One target in error within an otherwise valid answer; the other targets' reports are still delivered. */
export class EngagementTargetError extends EngagementError {
  override readonly name = 'EngagementTargetError';
  readonly code = EngagementErrorCode.Target;
  /** The target id concerned. */
  readonly targetId: string;
  /** See {@link EngagementTargetErrorReason}. */
  readonly reason: EngagementTargetErrorReason;
  /** The platform's own error code when `reason` is `reported`. */
  readonly platformCode: string | undefined;
  constructor(
    endpoint: string,
    targetId: string,
    reason: EngagementTargetErrorReason,
    platform?: { code: string; message: string },
  ) {
    const text =
      reason === 'reported'
        ? `engagement platform reports target "${targetId}" in error: ${platform?.code ?? '?'} ${platform?.message ?? ''}`.trim()
        : reason === 'unknown'
          ? `engagement platform answered for target "${targetId}", which was not sent`
          : `engagement platform left target "${targetId}" out of its answer`;
    super(text, endpoint);
    this.targetId = targetId;
    this.reason = reason;
    this.platformCode = platform?.code;
  }
}

/** The answer was not gzip/JSON, did not match the wire schema, was too large, or echoed the wrong cycle. */
export class EngagementValidationError extends EngagementError {
  override readonly name = 'EngagementValidationError';
  readonly code = EngagementErrorCode.Validation;
  /** Short `path: message` descriptions of what did not match (at most 10). */
  readonly issues: string[];
  constructor(message: string, endpoint: string, issues: string[], options?: { cause?: unknown }) {
    super(message, endpoint, options);
    this.issues = issues;
  }
}
