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
import { SkillBitsetEvaluator } from '../../../src/pacing/skill-bitset-evaluator.js';
import { checkFuzzProperty } from '../../support/fuzz-property.js';
import { fuzzRuns, fuzzTimeoutMs } from '../../support/fuzz-runs.js';
import { isPrototypePolluted } from '../../support/json-mutation.js';

// Fuzzing of the skill-expression parser, which reads text written by users into PacingTarget specs (up to 1024
// characters, see maxSkillExpressionLength). The grammar-level examples live in test/unit/pacing; this file checks
// the invariants over arbitrary and near-valid text, with unicode names and hostile nesting.

const family = 'skill-expression';
const timeout = fuzzTimeoutMs(fuzzRuns);

/** Parses `text`; returns the AST, or the SkillExpressionError; rethrows anything else so the property fails. */
function parseOrTypedError(text: string): SkillExpression | SkillExpressionError {
  try {
    return parseSkillExpression(text);
  } catch (error) {
    if (error instanceof SkillExpressionError) return error;
    throw new Error(`parseSkillExpression(${JSON.stringify(text)}) threw a non-typed error`, {
      cause: error,
    });
  }
}

/**
 * Why an accepted AST breaks the documented shape (levels 9-digit non-negative integers, names non-empty and
 * trimmed, junctions of at least two operands, depth within the limit), or undefined when it does not. Returns a
 * value instead of calling expect per node, so a 20,000-node AST costs microseconds, not seconds.
 */
function boundsViolation(expr: SkillExpression, depth = 0): string | undefined {
  if (depth > maxSkillExpressionDepth) return `deeper than ${maxSkillExpressionDepth}`;
  switch (expr.kind) {
    case 'comparison':
      if (!Number.isSafeInteger(expr.level) || expr.level < 0 || expr.level > 999_999_999) {
        return `level ${expr.level} out of range`;
      }
      return expr.skill.length === 0 || expr.skill.trim() !== expr.skill
        ? `skill name ${JSON.stringify(expr.skill)} empty or untrimmed`
        : undefined;
    case 'not':
      return boundsViolation(expr.operand, depth + 1);
    case 'and':
    case 'or':
      if (expr.operands.length < 2) return `${expr.kind} of ${expr.operands.length} operand`;
      for (const operand of expr.operands) {
        const violation = boundsViolation(operand, depth + 1);
        if (violation) return violation;
      }
      return undefined;
  }
}

const operators: readonly ComparisonOperator[] = ['=', '!=', '>=', '<=', '>', '<'];
// Letters from several scripts (one outside the BMP), so names exercise the code-point lexer and \p{L}.
const letter = fc.constantFrom(...'aZ_éßжΩ中ñह', '𝒜', 'ǅ');
// Combining marks (Devanagari vowel sign and virama, a combining acute) occur inside names of many scripts.
const namePart = fc.oneof(letter, fc.constantFrom(...'09٣._-', '\u093f', '\u094d', '\u0301'));
const bareName = fc
  .tuple(letter, fc.array(namePart, { maxLength: 10 }))
  .map(([first, rest]) => first + rest.join(''));
const quotedName = fc
  .tuple(namePart, fc.array(fc.oneof(namePart, fc.constant(' ')), { maxLength: 10 }), namePart)
  .map(([first, middle, last]) => first + middle.join('') + last);
const skillName = fc.oneof(
  bareName,
  quotedName,
  fc.constantFrom('Skill', '__proto__', 'constructor', 'toString'),
);
const comparison = fc.record({
  kind: fc.constant('comparison' as const),
  skill: skillName,
  operator: fc.constantFrom(...operators),
  level: fc.integer({ min: 0, max: 999_999_999 }),
});
const { expression } = fc.letrec<{ expression: SkillExpression }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', maxDepth: 8 },
    comparison,
    fc.record({ kind: fc.constant('not' as const), operand: tie('expression') }),
    fc.record({
      kind: fc.constantFrom('and' as const, 'or' as const),
      operands: fc.array(tie('expression'), { minLength: 2, maxLength: 4 }),
    }),
  ),
}));

// Tokens of the grammar plus near misses, glued with or without spaces: most soups are wrong in interesting places.
const token = fc.oneof(
  fc.constantFrom(
    ...[
      '&',
      '|',
      '!',
      '~',
      '(',
      ')',
      '=',
      '!=',
      '>=',
      '<=',
      '>',
      '<',
      '=>',
      '==',
      '"',
      'Skill',
      'Skill("a b")',
    ],
    ...[
      'Spanish',
      '"Sales EMEA"',
      '""',
      '" x"',
      '0',
      '5',
      '007',
      '999999999',
      '1000000000',
      '-1',
      '1.5',
      '1e3',
    ],
  ),
  bareName,
  quotedName.map((name) => `"${name}"`),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
);
const tokenSoup = fc
  .array(fc.tuple(token, fc.constantFrom('', ' ', '\t', '\u00a0')), { maxLength: 24 })
  .map((parts) => parts.map(([t, gap]) => t + gap).join(''));

// Edits of a printed valid expression: one character inserted, deleted or replaced.
const editedExpression = fc
  .tuple(
    expression,
    fc.nat(),
    fc.constantFrom('insert', 'delete', 'replace'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  )
  .map(([expr, at, edit, c]) => {
    const text = printSkillExpression(expr);
    const i = at % (text.length + 1);
    if (edit === 'insert') return text.slice(0, i) + c + text.slice(i);
    if (edit === 'delete') return text.slice(0, i) + text.slice(i + 1);
    return text.slice(0, i) + c + text.slice(i + 1);
  });

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ maxLength: 1024 }),
  tokenSoup,
  editedExpression,
);

// Shrunk counter-examples and hand-picked edge cases, kept as named rows (see STYLE.md: tests as documentation).
const edgeRows: readonly [string, string][] = [
  ['an unpaired high surrogate', '\ud800'],
  ['a skill level one digit too long', 'a = 1000000000'],
  ['a name with a letter outside the BMP', '𝒜 > 1'],
  ['the Stat Server call without a quoted name', 'Skill(a) > 1'],
  ['the Stat Server call left open', 'Skill("a"'],
  ['a quote left open at the end', '"Sales'],
  ['an empty quoted name', '"" = 1'],
  ['a negation of nothing', '!'],
  ['a skill named __proto__', '__proto__ > 0'],
  ['the limit plus one of nested negations', `${'!'.repeat(maxSkillExpressionDepth + 1)}a = 1`],
  ['a long run of parentheses', `${'('.repeat(10_000)}a = 1${')'.repeat(10_000)}`],
  ['a text far longer than the schema allows', 'a = 1 & '.repeat(20_000) + 'a = 1'],
];

// Names that a user of another script writes; each was once refused because marks are not \p{L} (see fuzzing).
const namesWithMarks: readonly [string, string, string][] = [
  ['a Hindi skill name with a vowel sign and a virama, bare', 'हिन्दी > 3', 'हिन्दी'],
  ['a Hindi skill name in quotes with a space', '"हिन्दी भाषा" >= 2', 'हिन्दी भाषा'],
  ['a decomposed é (e followed by a combining acute)', 'Franc\u0327ais = 1', 'Franc\u0327ais'],
  ['the shrunk counter-example of the print→parse property', '"a\u093e0" = 0', 'a\u093e0'],
];

describe('skill expression parser under fuzzing', () => {
  it.each(edgeRows)('fails only with SkillExpressionError or parses within bounds: %s', (_name, text) => {
    const result = parseOrTypedError(text);
    if (result instanceof SkillExpressionError) {
      expect(result.position).toBeGreaterThanOrEqual(0);
      expect(result.position).toBeLessThanOrEqual(text.length);
    } else {
      expect(boundsViolation(result)).toBeUndefined();
    }
  });

  it.each(namesWithMarks)('reads skill names with combining marks: %s', (_name, text, skill) => {
    const expr = parseSkillExpression(text);
    expect(expr).toMatchObject({ kind: 'comparison', skill });
    expect(parseSkillExpression(printSkillExpression(expr))).toEqual(expr);
  });

  it(
    'throws nothing but SkillExpressionError, at a position inside the text, on arbitrary and near-valid text',
    async () => {
      await checkFuzzProperty(
        family,
        'only SkillExpressionError, position inside the text',
        fc.property(anyText, (text) => {
          const result = parseOrTypedError(text);
          if (!(result instanceof SkillExpressionError)) return;
          expect(Number.isInteger(result.position)).toBe(true);
          expect(result.position).toBeGreaterThanOrEqual(0);
          expect(result.position).toBeLessThanOrEqual(text.length);
          expect(result.code).toBe('PACING_ERR_SKILL_EXPRESSION');
          expect(result.message).toContain(`at position ${result.position} expected ${result.expected}`);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );

  it(
    'gives every accepted text an AST within the documented bounds that prints and parses back to itself',
    async () => {
      await checkFuzzProperty(
        family,
        'accepted text: bounds and print→parse',
        fc.property(fc.oneof(tokenSoup, editedExpression, expression.map(printSkillExpression)), (text) => {
          const result = parseOrTypedError(text);
          if (result instanceof SkillExpressionError) return;
          expect(boundsViolation(result)).toBeUndefined();
          expect(parseSkillExpression(printSkillExpression(result))).toEqual(result);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );

  it(
    'parses a printed AST with unicode, quoted and prototype-like skill names back to the same AST',
    async () => {
      await checkFuzzProperty(
        family,
        'AST print→parse with unicode names',
        fc.property(expression, (expr) => {
          expect(parseSkillExpression(printSkillExpression(expr))).toEqual(expr);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );

  it(
    'accepts nesting up to the depth limit and refuses it beyond with a typed error, never a stack overflow',
    async () => {
      await checkFuzzProperty(
        family,
        'nesting depth limit',
        fc.property(
          fc.integer({ min: 0, max: 5_000 }),
          fc.array(fc.constantFrom('!', '~', '('), { minLength: 1, maxLength: 4 }),
          (depth, pattern) => {
            const openers = Array.from({ length: depth }, (_, i) => pattern[i % pattern.length]!);
            const closers = openers.filter((o) => o === '(').map(() => ')');
            const text = `${openers.join('')}a = 1${closers.join('')}`;
            const result = parseOrTypedError(text);
            expect(result instanceof SkillExpressionError).toBe(depth > maxSkillExpressionDepth);
          },
        ),
        fuzzRuns,
      );
    },
    timeout,
  );

  it(
    'matches agents the same way as the bitset evaluator, for skill maps with prototype keys, without polluting',
    async () => {
      const levels = fc.dictionary(skillName, fc.integer({ min: 0, max: 12 }), { maxKeys: 4 });
      await checkFuzzProperty(
        family,
        'matches agree with the bitset evaluator; no pollution',
        fc.property(expression, fc.array(levels, { maxLength: 6 }), (expr, skillMaps) => {
          const agents = skillMaps.map((skills, i) => ({ id: `a-${i}`, groups: [], skills, media: {} }));
          const expected = agents.flatMap((agent, i) =>
            matchesSkillExpression(expr, agent.skills) ? [i] : [],
          );
          expect(new SkillBitsetEvaluator(agents).matchingAgents(expr)).toEqual(expected);
          expect(isPrototypePolluted()).toBe(false);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );
});
