import type { z } from 'zod';
import { formatFieldPath } from './field-path.js';

/** Most issues repeated in one message; a condition message stays readable and the first one is what matters. */
const maxIssuesInMessage = 3;

/** Why a spec was refused: the first field at fault and a message naming every field at fault (up to three). */
export interface SpecProblem {
  /** Field path of the first issue, e.g. `spec.agentGroups[1].skillExpression`. */
  readonly field: string;
  /** `field: message` for up to three issues, joined with `; `. */
  readonly message: string;
}

/** Turns a zod error into a SpecProblem whose message names each field at fault. */
export function specProblemOf(error: z.ZodError): SpecProblem {
  const issues = error.issues.slice(0, maxIssuesInMessage);
  const parts = issues.map((issue) => `${formatFieldPath(issue.path) || '(object)'}: ${issue.message}`);
  const more = error.issues.length - issues.length;
  return {
    field: formatFieldPath(error.issues[0]?.path ?? []),
    message: more > 0 ? `${parts.join('; ')}; and ${more} more` : parts.join('; '),
  };
}
