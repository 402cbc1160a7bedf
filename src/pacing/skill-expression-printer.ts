import type { SkillExpression } from './skill-expression.js';

// The lexer's bare-name characters (skill-expression-lexer.ts), combining marks included.
const bareName = /^[\p{L}_][\p{L}\p{M}\p{N}_.-]*$/u;

/**
 * Prints a skill expression in the canonical form `parseSkillExpression` reads back to the same AST:
 * names bare when they can be, in double quotes otherwise; nested junctions always in parentheses.
 */
export function printSkillExpression(expr: SkillExpression): string {
  switch (expr.kind) {
    case 'comparison': {
      const name = bareName.test(expr.skill) ? expr.skill : `"${expr.skill}"`;
      return `${name} ${expr.operator} ${expr.level}`;
    }
    case 'not':
      return `!${printOperand(expr.operand)}`;
    case 'and':
    case 'or':
      return expr.operands.map(printOperand).join(expr.kind === 'and' ? ' & ' : ' | ');
  }
}

function printOperand(expr: SkillExpression): string {
  return expr.kind === 'and' || expr.kind === 'or'
    ? `(${printSkillExpression(expr)})`
    : printSkillExpression(expr);
}
