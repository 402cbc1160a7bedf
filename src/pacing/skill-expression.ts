import { SkillExpressionError } from './skill-expression-error.js';
import {
  describeToken,
  tokenizeSkillExpression,
  type ComparisonOperator,
  type SkillToken,
} from './skill-expression-lexer.js';

export { SkillExpressionError } from './skill-expression-error.js';
export { comparisonOperators, type ComparisonOperator } from './skill-expression-lexer.js';

/** `Skill OP level`: true when the agent's level of `skill` (0 when the agent lacks it) compares true. */
export interface SkillComparison {
  readonly kind: 'comparison';
  readonly skill: string;
  readonly operator: ComparisonOperator;
  /** A non-negative integer skill level. */
  readonly level: number;
}

/** `!operand` (also written `~operand`). */
export interface SkillNegation {
  readonly kind: 'not';
  readonly operand: SkillExpression;
}

/** `a & b & …` (kind `and`) or `a | b | …` (kind `or`), always with at least two operands. */
export interface SkillJunction {
  readonly kind: 'and' | 'or';
  readonly operands: readonly SkillExpression[];
}

/** A parsed skill expression: plain data, safe to compare with deep equality and to serialise as JSON. */
export type SkillExpression = SkillComparison | SkillNegation | SkillJunction;

/**
 * How deeply parentheses and negations may nest. Real expressions nest two or three levels; the limit keeps a
 * hostile or garbled expression from exhausting the stack.
 */
export const maxSkillExpressionDepth = 32;

const operatorList = '(= != >= <= > <)';

/**
 * Parses a skill expression such as `Spanish > 5 & ("Sales EMEA" >= 3 | !Manager = 1)`.
 *
 * Grammar: comparisons `Skill OP level` with OP in `= != >= <= > <` and a non-negative integer level; skill names
 * are letters (with their combining marks), digits, `_`, `-`, `.` (starting with a letter or `_`), or any of those plus spaces inside double
 * quotes, or Stat Server's `Skill("Name")`; `&` (and), `|` (or), `!` or `~` (not), parentheses. `&` and `|` may not be mixed at one level without
 * parentheses, because the vendor's routers read such mixes left to right while Stat Server gives `&` priority.
 * Throws SkillExpressionError with the position and what was expected there.
 */
export function parseSkillExpression(text: string): SkillExpression {
  const parser = new SkillExpressionParser(tokenizeSkillExpression(text));
  return parser.parseWhole();
}

/**
 * True when an agent with these skill levels belongs to the group the expression describes.
 * A skill the agent lacks counts as level 0, so `Spanish < 3` matches an agent without Spanish.
 */
export function matchesSkillExpression(
  expr: SkillExpression,
  skills: Readonly<Record<string, number>>,
): boolean {
  switch (expr.kind) {
    case 'comparison': {
      const level = Object.hasOwn(skills, expr.skill) ? (skills[expr.skill] ?? 0) : 0;
      return compareLevel(level, expr.operator, expr.level);
    }
    case 'not':
      return !matchesSkillExpression(expr.operand, skills);
    case 'and':
      return expr.operands.every((operand) => matchesSkillExpression(operand, skills));
    case 'or':
      return expr.operands.some((operand) => matchesSkillExpression(operand, skills));
  }
}

/** `level operator wanted`: the comparison of a skill expression, for one level. */
export function compareLevel(level: number, operator: ComparisonOperator, wanted: number): boolean {
  switch (operator) {
    case '=':
      return level === wanted;
    case '!=':
      return level !== wanted;
    case '>=':
      return level >= wanted;
    case '<=':
      return level <= wanted;
    case '>':
      return level > wanted;
    case '<':
      return level < wanted;
  }
}

/** Recursive-descent parser over the token list; one instance per parse, never shared. */
class SkillExpressionParser {
  readonly #tokens: SkillToken[];
  #index = 0;

  constructor(tokens: SkillToken[]) {
    this.#tokens = tokens;
  }

  parseWhole(): SkillExpression {
    const expr = this.#parseJunction(0, false);
    const next = this.#peek();
    if (next.kind !== 'end') {
      throw new SkillExpressionError(next.position, '"&", "|" or end of expression', describeToken(next));
    }
    return expr;
  }

  #peek(): SkillToken {
    return this.#tokens[this.#index]!;
  }

  #take(): SkillToken {
    const token = this.#tokens[this.#index]!;
    if (token.kind !== 'end') this.#index += 1;
    return token;
  }

  /** unary { "&" unary } | unary { "|" unary } — one kind of junction per level. */
  #parseJunction(depth: number, insideParentheses: boolean): SkillExpression {
    const first = this.#parseUnary(depth);
    const joiner = this.#peek().kind;
    if (joiner !== 'and' && joiner !== 'or') return first;
    const operands: SkillExpression[] = [first];
    while (this.#peek().kind === joiner) {
      this.#take();
      operands.push(this.#parseUnary(depth));
    }
    const next = this.#peek();
    const other = joiner === 'and' ? 'or' : 'and';
    if (next.kind === other) {
      const closer = insideParentheses ? '")"' : 'end of expression';
      const symbol = joiner === 'and' ? '"&"' : '"|"';
      throw new SkillExpressionError(
        next.position,
        `${symbol} or ${closer} (use parentheses to mix "&" and "|")`,
        describeToken(next),
      );
    }
    return { kind: joiner, operands };
  }

  /** ("!" | "~") unary | primary */
  #parseUnary(depth: number): SkillExpression {
    const token = this.#peek();
    if (token.kind === 'not') {
      this.#checkDepth(token, depth);
      this.#take();
      return { kind: 'not', operand: this.#parseUnary(depth + 1) };
    }
    return this.#parsePrimary(depth);
  }

  /** "(" junction ")" | skill OP level, where skill = name | 'Skill("' name '")' */
  #parsePrimary(depth: number): SkillExpression {
    const token = this.#take();
    if (token.kind === 'open') {
      this.#checkDepth(token, depth);
      const inner = this.#parseJunction(depth + 1, true);
      const close = this.#take();
      if (close.kind !== 'close') {
        throw new SkillExpressionError(close.position, '"&", "|" or ")"', describeToken(close));
      }
      return inner;
    }
    if (token.kind !== 'name') {
      throw new SkillExpressionError(token.position, 'a skill name, "(", "!" or "~"', describeToken(token));
    }
    const skill =
      token.text === 'Skill' && this.#peek().kind === 'open' ? this.#parseSkillCall() : token.name;
    const operator = this.#take();
    if (operator.kind !== 'operator') {
      throw new SkillExpressionError(
        operator.position,
        `a comparison operator ${operatorList}`,
        describeToken(operator),
      );
    }
    const level = this.#take();
    if (level.kind !== 'number') {
      throw new SkillExpressionError(
        level.position,
        'a skill level (a non-negative integer)',
        describeToken(level),
      );
    }
    return { kind: 'comparison', skill, operator: operator.operator, level: level.value };
  }

  /**
   * The Stat Server spelling `Skill("Spanish")`, after its `Skill`: accepted so that expressions copied from a
   * virtual agent group work unchanged. A bare skill named Skill (`Skill > 3`) still reads as a name.
   */
  #parseSkillCall(): string {
    this.#take();
    const name = this.#take();
    if (name.kind !== 'name' || !name.text.startsWith('"')) {
      throw new SkillExpressionError(name.position, 'a quoted skill name', describeToken(name));
    }
    const close = this.#take();
    if (close.kind !== 'close') {
      throw new SkillExpressionError(close.position, '")"', describeToken(close));
    }
    return name.name;
  }

  #checkDepth(token: SkillToken, depth: number): void {
    if (depth >= maxSkillExpressionDepth) {
      throw new SkillExpressionError(
        token.position,
        `at most ${maxSkillExpressionDepth} nested parentheses and negations`,
        describeToken(token),
      );
    }
  }
}
