import { SkillExpressionError } from './skill-expression-error.js';

/** The comparison operators a skill comparison may use. */
export const comparisonOperators = ['=', '!=', '>=', '<=', '>', '<'] as const;

/** One comparison operator of a skill comparison. */
export type ComparisonOperator = (typeof comparisonOperators)[number];

/** One token of a skill expression, with its 0-based offset in the text. */
export type SkillToken =
  | { kind: 'name'; text: string; name: string; position: number }
  | { kind: 'number'; text: string; value: number; position: number }
  | { kind: 'operator'; text: string; operator: ComparisonOperator; position: number }
  | { kind: 'and' | 'or' | 'not' | 'open' | 'close'; text: string; position: number }
  | { kind: 'end'; text: string; position: number };

/** The longest skill level literal accepted; keeps every level an exact, printable integer. */
const maxLevelDigits = 9;

const bareNameStart = /[\p{L}_]/u;
// Combining marks (\p{M}) belong to letters in many scripts: Hindi हिन्दी needs its vowel signs and virama, and a
// decomposed é is e + U+0301. They may follow the first character of a name, never start one.
const bareNamePart = /[\p{L}\p{M}\p{N}_.-]/u;
const quotedNamePart = /[\p{L}\p{M}\p{N}_. -]/u;
const digit = /[0-9]/;
const whitespace = /\s/u;

const singleCharTokens: Readonly<Record<string, 'and' | 'or' | 'open' | 'close'>> = {
  '&': 'and',
  '|': 'or',
  '(': 'open',
  ')': 'close',
};

/** Describes a token for an error message: its text in quotes, or `end of expression`. */
export function describeToken(token: SkillToken): string {
  return token.kind === 'end' ? 'end of expression' : JSON.stringify(token.text);
}

/**
 * Splits a skill expression into tokens, ending with one `end` token.
 * Throws SkillExpressionError at the first character that starts no token.
 */
export function tokenizeSkillExpression(text: string): SkillToken[] {
  const tokens: SkillToken[] = [];
  // Iterate by code point so that a letter outside the BMP never splits into two surrogate "characters".
  const chars = Array.from(text);
  const offsets: number[] = [];
  let offset = 0;
  for (const c of chars) {
    offsets.push(offset);
    offset += c.length;
  }
  offsets.push(offset);
  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    const position = offsets[i]!;
    if (whitespace.test(c)) {
      i += 1;
    } else if (singleCharTokens[c]) {
      tokens.push({ kind: singleCharTokens[c], text: c, position });
      i += 1;
    } else if (c === '!' || c === '~') {
      if (c === '!' && chars[i + 1] === '=') {
        tokens.push({ kind: 'operator', text: '!=', operator: '!=', position });
        i += 2;
      } else {
        tokens.push({ kind: 'not', text: c, position });
        i += 1;
      }
    } else if (c === '>' || c === '<') {
      const operator: ComparisonOperator = chars[i + 1] === '=' ? `${c}=` : c;
      tokens.push({ kind: 'operator', text: operator, operator, position });
      i += operator.length;
    } else if (c === '=') {
      tokens.push({ kind: 'operator', text: '=', operator: '=', position });
      i += 1;
    } else if (digit.test(c)) {
      let end = i;
      while (end < chars.length && digit.test(chars[end]!)) end += 1;
      const digits = chars.slice(i, end).join('');
      if (digits.length > maxLevelDigits) {
        throw new SkillExpressionError(
          position,
          `a skill level of at most ${maxLevelDigits} digits`,
          JSON.stringify(digits),
        );
      }
      tokens.push({ kind: 'number', text: digits, value: Number(digits), position });
      i = end;
    } else if (bareNameStart.test(c)) {
      let end = i;
      while (end < chars.length && bareNamePart.test(chars[end]!)) end += 1;
      const name = chars.slice(i, end).join('');
      tokens.push({ kind: 'name', text: name, name, position });
      i = end;
    } else if (c === '"') {
      i = readQuotedName(chars, offsets, i, tokens);
    } else {
      throw new SkillExpressionError(position, 'a skill name, "(", "!" or "~"', JSON.stringify(c));
    }
  }
  tokens.push({ kind: 'end', text: '', position: offset });
  return tokens;
}

/** Reads `"Skill Name"` starting at the opening quote; returns the index after the closing quote. */
function readQuotedName(chars: string[], offsets: number[], start: number, tokens: SkillToken[]): number {
  let end = start + 1;
  while (end < chars.length && chars[end] !== '"') {
    if (!quotedNamePart.test(chars[end]!)) {
      throw new SkillExpressionError(
        offsets[end]!,
        'a letter, digit, "_", "-", "." or space inside a quoted skill name',
        JSON.stringify(chars[end]),
      );
    }
    end += 1;
  }
  if (end >= chars.length) {
    throw new SkillExpressionError(offsets[end]!, 'a closing double quote', 'end of expression');
  }
  const name = chars.slice(start + 1, end).join('');
  // Leading or trailing spaces would silently never match an agent's skill, so they are refused outright.
  if (name.trim() !== name || name.length === 0) {
    throw new SkillExpressionError(
      offsets[start]!,
      'a non-empty quoted skill name without leading or trailing spaces',
      JSON.stringify(`"${name}"`),
    );
  }
  tokens.push({ kind: 'name', text: `"${name}"`, name, position: offsets[start]! });
  return end + 1;
}
