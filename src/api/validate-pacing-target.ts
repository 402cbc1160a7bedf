// The skill-expression parser lives in src/pacing (pure code, imports nothing); api may depend on it.
import { parseSkillExpression, SkillExpressionError, type SkillExpression } from '../pacing/index.js';
import { pacingTargetSchema, type PacingTarget } from './pacing-target.js';
import { specProblemOf } from './spec-problem.js';

/** An agent group after validation: a fixed agent list, or a skill expression with its parsed form. */
export type ValidatedAgentGroup =
  | { readonly name: string; readonly kind: 'agents'; readonly agents: readonly string[] }
  | {
      readonly name: string;
      readonly kind: 'skillExpression';
      readonly skillExpression: string;
      readonly expression: SkillExpression;
    };

/** Outcome of validating a PacingTarget: the typed object, or the field at fault for the Accepted condition. */
export type PacingTargetValidation =
  | {
      readonly isValid: true;
      readonly target: PacingTarget;
      readonly agentGroups: readonly ValidatedAgentGroup[];
    }
  | {
      readonly isValid: false;
      /** Reason for Accepted=False. */
      readonly reason: 'InvalidSpec' | 'InvalidSkillExpression';
      /** Field path of the first problem, e.g. `spec.agentGroups[1].skillExpression`. */
      readonly field: string;
      /** Message for Accepted=False; starts with the field path. */
      readonly message: string;
    };

/**
 * Validates a PacingTarget read from the API server as deeply as the operator needs: the schema (the same rules
 * the CRD enforces, in case the CRD is older than the operator) and every skill expression. Never throws.
 */
export function validatePacingTarget(object: unknown): PacingTargetValidation {
  const parsed = pacingTargetSchema.safeParse(object);
  if (!parsed.success) {
    return { isValid: false, reason: 'InvalidSpec', ...specProblemOf(parsed.error) };
  }
  const target = parsed.data;
  const agentGroups: ValidatedAgentGroup[] = [];
  for (const [index, group] of target.spec.agentGroups.entries()) {
    if (group.agents !== undefined) {
      agentGroups.push({ name: group.name, kind: 'agents', agents: group.agents });
      continue;
    }
    const text = group.skillExpression ?? '';
    try {
      agentGroups.push({
        name: group.name,
        kind: 'skillExpression',
        skillExpression: text,
        expression: parseSkillExpression(text),
      });
    } catch (error) {
      if (!(error instanceof SkillExpressionError)) throw error;
      const field = `spec.agentGroups[${index}].skillExpression`;
      return {
        isValid: false,
        reason: 'InvalidSkillExpression',
        field,
        message: `${field}: ${error.message}`,
      };
    }
  }
  return { isValid: true, target, agentGroups };
}
