import fc from 'fast-check';
import {
  matchesSkillExpression,
  maxSkillExpressionDepth,
  parseSkillExpression,
  SkillExpressionError,
  type ComparisonOperator,
  type SkillExpression,
} from '../../../src/pacing/skill-expression.js';
import { printSkillExpression } from '../../../src/pacing/skill-expression-printer.js';

const cmp = (skill: string, operator: ComparisonOperator, level: number): SkillExpression => ({
  kind: 'comparison',
  skill,
  operator,
  level,
});
const and = (...operands: SkillExpression[]): SkillExpression => ({ kind: 'and', operands });
const or = (...operands: SkillExpression[]): SkillExpression => ({ kind: 'or', operands });
const not = (operand: SkillExpression): SkillExpression => ({ kind: 'not', operand });

describe('parseSkillExpression', () => {
  it.each<[string, string, SkillExpression]>([
    ['reads a single comparison', 'Spanish > 5', cmp('Spanish', '>', 5)],
    ['reads every comparison operator', 'a=1', cmp('a', '=', 1)],
    ['reads != as one operator', 'a != 1', cmp('a', '!=', 1)],
    ['reads >= as one operator', 'a>=1', cmp('a', '>=', 1)],
    ['reads <= as one operator', 'a <=1', cmp('a', '<=', 1)],
    ['reads < as an operator', 'a < 10', cmp('a', '<', 10)],
    ['reads a conjunction', 'Spanish > 5 & Sales >= 3', and(cmp('Spanish', '>', 5), cmp('Sales', '>=', 3))],
    ['reads a disjunction of three', 'a>1|b>2|c>3', or(cmp('a', '>', 1), cmp('b', '>', 2), cmp('c', '>', 3))],
    ['reads ! as negation', '!Manager = 1', not(cmp('Manager', '=', 1))],
    ['reads ~ as negation', '~ Manager = 1', not(cmp('Manager', '=', 1))],
    ['reads a double negation', '!!a=1', not(not(cmp('a', '=', 1)))],
    ['reads quoted names with spaces', '"Spanish Language" > 5', cmp('Spanish Language', '>', 5)],
    ['reads names with dots, dashes, digits', 'sales.emea-2_x >= 0', cmp('sales.emea-2_x', '>=', 0)],
    ['reads names in other scripts', 'Español > 2', cmp('Español', '>', 2)],
    [
      'mixes & and | under parentheses',
      'Spanish > 5 & (Sales >= 3 | Support >= 4)',
      and(cmp('Spanish', '>', 5), or(cmp('Sales', '>=', 3), cmp('Support', '>=', 4))),
    ],
    ['drops redundant parentheses', '((a > 1))', cmp('a', '>', 1)],
    [
      'keeps grouping of parenthesised conjunctions',
      '(a>1 & b>1) & c>1',
      and(and(cmp('a', '>', 1), cmp('b', '>', 1)), cmp('c', '>', 1)),
    ],
    ['negates a group', '!(a>1|b>1)', not(or(cmp('a', '>', 1), cmp('b', '>', 1)))],
    ['ignores surrounding whitespace', '  \ta > 1\n', cmp('a', '>', 1)],
    [
      'reads the Stat Server spelling Skill("Name")',
      'Skill("Spanish")>5 & ~Skill("Sales EMEA") >= 3',
      and(cmp('Spanish', '>', 5), not(cmp('Sales EMEA', '>=', 3))),
    ],
    ['reads a skill that is named Skill', 'Skill > 3', cmp('Skill', '>', 3)],
  ])('%s: %s', (_name, text, expected) => {
    expect(parseSkillExpression(text)).toEqual(expected);
  });

  it.each<[string, string, number, RegExp]>([
    [
      'rejects an empty expression',
      '',
      0,
      /expected a skill name, "\(", "!" or "~", found end of expression/,
    ],
    [
      'rejects a missing operator',
      'Spanish Sales > 1',
      8,
      /expected a comparison operator \(= != >= <= > <\), found "Sales"/,
    ],
    ['rejects a missing level', 'Spanish >', 9, /expected a skill level/],
    ['rejects a name as level', 'Spanish > Sales', 10, /expected a skill level.*found "Sales"/],
    ['rejects a negative level', 'Spanish > -1', 10, /found "-"/],
    ['rejects a decimal level', 'Spanish > 1.5', 11, /found "\."/],
    ['rejects an over-long level', 'Spanish > 1234567890', 10, /at most 9 digits/],
    [
      'rejects mixing & and | without parentheses',
      'a>1 & b>1 | c>1',
      10,
      /use parentheses to mix "&" and "\|"/,
    ],
    [
      'rejects mixing | and & without parentheses',
      'a>1 | b>1 & c>1',
      10,
      /"\|" or end of expression \(use parentheses/,
    ],
    ['rejects mixing inside parentheses', '(a>1 & b>1 | c>1)', 11, /"&" or "\)" \(use parentheses/],
    ['rejects an unclosed parenthesis', '(a > 1', 6, /expected "&", "\|" or "\)", found end of expression/],
    [
      'rejects a stray closing parenthesis',
      'a > 1)',
      5,
      /expected "&", "\|" or end of expression, found "\)"/,
    ],
    ['rejects two comparisons without a junction', 'a>1 b>1', 4, /found "b"/],
    ['rejects a dangling &', 'a>1 &', 5, /found end of expression/],
    ['rejects an unknown character', 'a > 1 && b > 1', 7, /found "&"/],
    ['rejects an unknown symbol', 'a # 1', 2, /found "#"/],
    ['rejects a name starting with a digit', '5 > 1', 0, /expected a skill name/],
    ['rejects an unterminated quoted name', '"Spanish', 8, /a closing double quote/],
    ['rejects an operator inside a quoted name', '"Spanish > 1', 9, /inside a quoted skill name, found ">"/],
    ['rejects an empty quoted name', '"" > 1', 0, /non-empty quoted skill name/],
    ['rejects a quoted name with outer spaces', '" Spanish" > 1', 0, /without leading or trailing spaces/],
    ['rejects a quote inside a quoted name', '"a\'b" > 1', 2, /inside a quoted skill name/],
    ['rejects == as operator', 'a == 1', 3, /expected a skill level.*found "="/],
    ['rejects a bare negation', '!', 1, /found end of expression/],
    ['rejects empty parentheses', '()', 1, /found "\)"/],
    [
      'rejects Skill() with an unquoted name',
      'Skill(Spanish) > 1',
      6,
      /expected a quoted skill name, found "Spanish"/,
    ],
    ['rejects Skill("x" without its closing parenthesis', 'Skill("x" > 1', 10, /expected "\)", found ">"/],
  ])('%s: %s', (_name, text, position, message) => {
    const error = captureError(() => parseSkillExpression(text));
    expect(error).toBeInstanceOf(SkillExpressionError);
    const parseError = error as SkillExpressionError;
    expect(parseError.position).toBe(position);
    expect(parseError.message).toMatch(message);
    expect(parseError.message).toContain(`at position ${position} expected ${parseError.expected}`);
    expect(parseError.code).toBe('PACING_ERR_SKILL_EXPRESSION');
  });

  it('refuses nesting deeper than the limit instead of overflowing the stack', () => {
    const deep = `${'('.repeat(maxSkillExpressionDepth + 1)}a>1${')'.repeat(maxSkillExpressionDepth + 1)}`;
    expect(() => parseSkillExpression(deep)).toThrow(/nested parentheses and negations/);
    const ok = `${'('.repeat(maxSkillExpressionDepth)}a>1${')'.repeat(maxSkillExpressionDepth)}`;
    expect(parseSkillExpression(ok)).toEqual(cmp('a', '>', 1));
    expect(() => parseSkillExpression('!'.repeat(100_000) + 'a>1')).toThrow(SkillExpressionError);
  });

  it('reports the example message of the contract', () => {
    expect(() => parseSkillExpression('Spanish Sales > 1')).toThrow(
      'skill expression: at position 8 expected a comparison operator (= != >= <= > <), found "Sales"',
    );
  });
});

describe('matchesSkillExpression', () => {
  const agent = { Spanish: 6, Sales: 3, 'Spanish Language': 2 };
  it.each<[string, string, Readonly<Record<string, number>>, boolean]>([
    ['matches a comparison that holds', 'Spanish > 5', agent, true],
    ['does not match a comparison that fails', 'Spanish > 6', agent, false],
    ['treats a missing skill as level 0 for <', 'French < 3', agent, true],
    ['treats a missing skill as level 0 for =', 'French = 0', agent, true],
    ['does not match a missing skill with >', 'French > 0', agent, false],
    ['does not read inherited properties as skills', 'constructor < 1', agent, true],
    ['needs every operand of &', 'Spanish > 5 & Sales >= 4', agent, false],
    ['needs one operand of |', 'Spanish > 9 | Sales >= 3', agent, true],
    ['negates with !', '!Spanish > 5', agent, false],
    ['reads quoted names', '"Spanish Language" = 2', agent, true],
    ['handles != ', 'Sales != 3', agent, false],
    ['handles <=', 'Sales <= 3 & Spanish >= 6', agent, true],
  ])('%s: %s', (_name, text, skills, expected) => {
    expect(matchesSkillExpression(parseSkillExpression(text), skills)).toBe(expected);
  });
});

const skillName = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,11}$/),
  fc.stringMatching(/^[A-Za-z0-9_.-]([A-Za-z0-9_. -]{0,10}[A-Za-z0-9_.-])?$/),
);
const comparison = fc.record({
  kind: fc.constant('comparison' as const),
  skill: skillName,
  operator: fc.constantFrom<ComparisonOperator>('=', '!=', '>=', '<=', '>', '<'),
  level: fc.integer({ min: 0, max: 999_999_999 }),
});
const { expression } = fc.letrec<{ expression: SkillExpression }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', maxDepth: 6 },
    comparison,
    fc.record({ kind: fc.constant('not' as const), operand: tie('expression') }),
    fc.record({
      kind: fc.constantFrom('and' as const, 'or' as const),
      operands: fc.array(tie('expression'), { minLength: 2, maxLength: 4 }),
    }),
  ),
}));

describe('skill expression properties', () => {
  it('parses a printed expression back to the same AST', () => {
    fc.assert(
      fc.property(expression, (expr) => {
        expect(parseSkillExpression(printSkillExpression(expr))).toEqual(expr);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but SkillExpressionError on random text', () => {
    const alphabet = fc.constantFrom(...'ab Z_9."()&|!~=<>-#\t\\'.split(''));
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: alphabet, maxLength: 40 })),
        (text) => {
          try {
            parseSkillExpression(text);
          } catch (error) {
            expect(error).toBeInstanceOf(SkillExpressionError);
            const position = (error as SkillExpressionError).position;
            expect(position).toBeGreaterThanOrEqual(0);
            expect(position).toBeLessThanOrEqual(text.length);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('matches the negation of an expression exactly when it does not match the expression', () => {
    const skills = fc.dictionary(skillName, fc.integer({ min: 0, max: 20 }));
    fc.assert(
      fc.property(expression, skills, (expr, levels) => {
        expect(matchesSkillExpression({ kind: 'not', operand: expr }, levels)).toBe(
          !matchesSkillExpression(expr, levels),
        );
      }),
    );
  });
});

function captureError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
