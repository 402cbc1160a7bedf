/** Base of the errors raised by src/api; `code` is stable, callers branch on it, never on the message. */
export class PacingApiError extends Error {
  /** Stable machine-readable code, `PACING_ERR_*`. */
  readonly code: string;

  /** Builds the error with its code; `cause` is kept when given. */
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PacingApiError';
    this.code = code;
  }
}

/** A duration string such as `5s` that does not parse or is out of range. */
export class InvalidDurationError extends PacingApiError {
  /** Builds the error; the message names the offending text. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('PACING_ERR_INVALID_DURATION', message, options);
    this.name = 'InvalidDurationError';
  }
}

/** The generated CRD schema breaks a rule of structural schemas; `problems` lists each path and rule. */
export class CrdNotStructuralError extends PacingApiError {
  /** Each problem as `path: rule broken`. */
  readonly problems: readonly string[];

  /** Builds the error from the list of problems found by the structural lint. */
  constructor(kind: string, problems: readonly string[]) {
    super('PACING_ERR_CRD_NOT_STRUCTURAL', `CRD schema of ${kind} is not structural: ${problems.join('; ')}`);
    this.name = 'CrdNotStructuralError';
    this.problems = problems;
  }
}
