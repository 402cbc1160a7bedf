import { z } from 'zod';
import { findStructuralProblems, toCrdJsonSchema, type JsonSchemaNode } from '../../../src/api/index.js';

const described = (node: JsonSchemaNode): JsonSchemaNode => ({ description: 'd', ...node });

describe('findStructuralProblems', () => {
  it.each<[string, JsonSchemaNode, RegExp]>([
    ['a node without a type', { properties: { a: described({}) }, type: 'object' }, /\.a: has no type/],
    [
      'a typed anyOf',
      { type: 'object', properties: { a: described({ anyOf: [{ type: 'string' }, { type: 'integer' }] }) } },
      /\.a: uses anyOf/,
    ],
    [
      'properties beside additionalProperties',
      {
        type: 'object',
        properties: { a: described({ type: 'object', properties: {}, additionalProperties: {} }) },
      },
      /both properties and additionalProperties/,
    ],
    [
      'additionalProperties: false',
      { type: 'object', additionalProperties: false },
      /additionalProperties: false/,
    ],
    [
      'uniqueItems',
      {
        type: 'object',
        properties: { a: described({ type: 'array', uniqueItems: true, items: { type: 'string' } }) },
      },
      /uses uniqueItems/,
    ],
    [
      'a lookahead pattern',
      { type: 'object', properties: { a: described({ type: 'string', pattern: '^(?!x)' }) } },
      /RE2/,
    ],
    [
      'a field without description',
      { type: 'object', properties: { a: { type: 'string' } } },
      /\.a: has no description/,
    ],
    [
      'an unbounded string under a CEL rule',
      {
        type: 'object',
        'x-kubernetes-validations': [{ rule: 'true', message: 'm' }],
        properties: { a: described({ type: 'string' }) },
      },
      /\.a: string under a CEL rule has no maxLength/,
    ],
    [
      'an unbounded list under a CEL rule',
      {
        type: 'array',
        'x-kubernetes-validations': [{ rule: 'true', message: 'm' }],
        items: { type: 'string', maxLength: 3 },
      },
      /list under a CEL rule has no maxItems/,
    ],
    [
      'metadata with more than a type',
      { type: 'object', properties: { metadata: { type: 'object', description: 'x' } } },
      /\.metadata: may only say type: object/,
    ],
  ])('reports %s', (_name, schema, problem) => {
    expect(findStructuralProblems(schema).join('\n')).toMatch(problem);
  });

  it('finds nothing wrong in a bounded, described, typed schema', () => {
    const schema = toCrdJsonSchema(
      z.object({ a: z.string().max(3).meta({ description: 'a' }) }).meta({ description: 'root' }),
    );
    expect(findStructuralProblems(schema)).toEqual([]);
  });
});

describe('toCrdJsonSchema', () => {
  it('drops additionalProperties: false that zod emits for strict objects', () => {
    const schema = toCrdJsonSchema(z.strictObject({ a: z.string() }));
    expect(schema).not.toHaveProperty('additionalProperties');
    expect(schema.properties).toEqual({ a: { type: 'string' } });
  });

  it('turns a literal into a one-value enum and drops safe-integer bounds', () => {
    expect(toCrdJsonSchema(z.object({ k: z.literal('X'), n: z.int() }))).toEqual({
      type: 'object',
      properties: { k: { type: 'string', enum: ['X'] }, n: { type: 'integer' } },
      required: ['k', 'n'],
    });
  });

  it('drops the ISO pattern beside format date-time', () => {
    expect(toCrdJsonSchema(z.iso.datetime())).toEqual({ type: 'string', format: 'date-time' });
  });
});
