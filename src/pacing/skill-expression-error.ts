import { PacingError } from './errors.js';

/**
 * Thrown by `parseSkillExpression` when a skill expression does not follow the grammar.
 * `position` is the 0-based character offset where parsing stopped, `expected` says what would have been valid
 * there; the message repeats both so that a Kubernetes condition can show it as is.
 */
export class SkillExpressionError extends PacingError {
  /** 0-based character offset in the expression text where the problem was found. */
  readonly position: number;
  /** What the parser would have accepted at `position`, in words. */
  readonly expected: string;
  /** The text found at `position` (`end of expression` when the text ended). */
  readonly found: string;

  /** Builds the error; `found` is the offending token text or `end of expression`. */
  constructor(position: number, expected: string, found: string, options?: { cause?: unknown }) {
    super(
      'PACING_ERR_SKILL_EXPRESSION',
      `skill expression: at position ${position} expected ${expected}, found ${found}`,
      options,
    );
    this.name = 'SkillExpressionError';
    this.position = position;
    this.expected = expected;
    this.found = found;
  }
}
