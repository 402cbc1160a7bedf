/** Base of the pacing room's errors: a stable `code` to branch on, and the `cause` kept. */
export class PacingError extends Error {
  /** Stable code, `PACING_ERR_*`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PacingError';
    this.code = code;
  }
}

/** An unknown policy name was asked for. */
export class PacingPolicyError extends PacingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PACING_ERR_UNKNOWN_POLICY', message, options);
    this.name = 'PacingPolicyError';
  }
}
