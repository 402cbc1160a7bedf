import fc from 'fast-check';

/** A JSON-like value as a parser receives it: objects, arrays and scalars, possibly hostile. */
export type JsonLike = unknown;

/** Keys that pollute prototypes when a parser copies objects with plain assignment. */
export const prototypeKeys = ['__proto__', 'constructor', 'prototype'] as const;

/** A payload that, if ever merged into a prototype, makes `polluted` appear on every object. */
export function pollutingObject(): Record<string, unknown> {
  return JSON.parse(
    '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"polluted":true}',
  );
}

/** True when some parser has written `polluted` (or anything else) onto Object.prototype or Array.prototype. */
export function isPrototypePolluted(): boolean {
  const plain: Record<string, unknown> = {};
  const list: unknown[] = [];
  return (
    'polluted' in plain ||
    'polluted' in list ||
    Object.getOwnPropertyNames(Object.prototype).includes('polluted') ||
    Object.getOwnPropertyNames(Array.prototype).includes('polluted')
  );
}

/** Nests `leaf` inside `depth` arrays: `[[[…leaf…]]]`, to probe recursion limits. */
export function nestedArrays(depth: number, leaf: unknown = 1): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/**
 * Values that break parsers written for friendly input: huge and fractional numbers, NaN and Infinity both as
 * numbers and as strings, empty, very long, control and unpaired-surrogate strings, deep arrays, prototype keys.
 */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -0,
    -1,
    0.5,
    1e21,
    -1e21,
    2 ** 31,
    2 ** 53,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    'NaN',
    'Infinity',
    '-Infinity',
    '1e400',
    '5',
    '',
    ' ',
    '\u0000',
    '\ud800',
    '\u202e',
    '__proto__',
    'constructor',
    [],
    {},
  ),
  fc.constant('x'.repeat(100_000)),
  fc.integer({ min: 1, max: 1_000 }).map((depth) => nestedArrays(depth)),
  fc.constant(null).map(() => pollutingObject()),
  fc.double(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.jsonValue({ maxDepth: 3 }),
);

type Path = readonly (string | number)[];

/** How deep mutations reach; deeper values (a nested-array payload from an earlier edit) are left whole. */
const maxMutationDepth = 12;

/** Every path to a value inside `root` down to {@link maxMutationDepth}, the root itself included (empty path). */
function pathsOf(root: unknown): Path[] {
  const paths: Path[] = [];
  const visit = (value: unknown, path: Path): void => {
    paths.push(path);
    if (path.length >= maxMutationDepth) return;
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key], [...path, key]);
    }
  };
  visit(root, []);
  return paths;
}

/** One edit of a JSON document; `at` picks the path (modulo the number of paths). */
interface Mutation {
  readonly kind: 'drop' | 'replace' | 'add-key' | 'duplicate' | 'to-string';
  readonly at: number;
  readonly key: string;
  readonly value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('drop', 'replace', 'add-key', 'duplicate', 'to-string'),
  at: fc.nat(),
  key: fc.oneof(fc.constantFrom(...prototypeKeys), fc.string({ maxLength: 8 })),
  value: hostileValue,
});

/** Defines an own, enumerable property the way JSON.parse does, so `__proto__` becomes a key, not a prototype. */
function defineOwn(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function applyMutation(root: unknown, m: Mutation): unknown {
  const paths = pathsOf(root);
  const path = paths[m.at % paths.length]!;
  if (path.length === 0 && m.kind !== 'add-key')
    return m.kind === 'to-string' ? JSON.stringify(root) : m.value;
  let parent: unknown = root;
  for (const step of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)[step];
  const last = path.at(-1);
  const container = parent as Record<string | number, unknown>;
  const current = path.length === 0 ? root : container[last!];
  switch (m.kind) {
    case 'drop':
      if (Array.isArray(container)) container.splice(last as number, 1);
      else Reflect.deleteProperty(container, last!);
      return root;
    case 'replace':
      defineOwn(container, last!, m.value);
      return root;
    case 'to-string':
      defineOwn(container, last!, typeof current === 'string' ? current : JSON.stringify(current));
      return root;
    case 'duplicate':
      // Shared, not cloned: cloning overflows on the deep-array payloads, and the parsers only read.
      if (Array.isArray(container)) container.splice(last as number, 0, current);
      else defineOwn(container, last!, [current, current]);
      return root;
    case 'add-key':
      if (typeof current === 'object' && current !== null && !Array.isArray(current)) {
        defineOwn(current, m.key, m.value);
      }
      return root;
  }
}

/**
 * A deep copy made in the caller's realm. Not structuredClone: under jest's vm the host makes its copies in the
 * outer realm, whose Object.prototype differs from the one the code under test sees.
 */
function jsonClone(valid: unknown): unknown {
  return JSON.parse(JSON.stringify(valid));
}

/** Copies of `valid` with one to three edits: a field dropped or replaced by a hostile value, a key added, … */
export function mutationOf(valid: unknown): fc.Arbitrary<unknown> {
  return fc
    .array(mutation, { minLength: 1, maxLength: 3 })
    .map((mutations) => mutations.reduce((doc, m) => applyMutation(doc, m), jsonClone(valid)));
}

/** A document that `parse` accepts or refuses cleanly: arbitrary JSON, anything at all, or a mutation of `valid`. */
export function documentNear(valid: unknown): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: mutationOf(valid) },
    { weight: 1, arbitrary: fc.constant(valid).map(jsonClone) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
    { weight: 1, arbitrary: hostileValue },
  );
}

/**
 * True when every object and array inside `value` has a standard prototype: null, some realm's Object.prototype
 * (its own prototype is null), or some realm's Array.prototype for arrays. An attacker-chosen object installed as
 * a prototype has Object.prototype above it, so it is caught.
 */
export function hasStandardPrototypes(value: unknown): boolean {
  // Iterative, because accepted documents may legitimately hold deep arrays the recursion would overflow on.
  const seen = new Set<unknown>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null || seen.has(item)) continue;
    seen.add(item);
    const proto: unknown = Object.getPrototypeOf(item);
    const isObjectPrototype = (p: unknown): boolean => p === null || Object.getPrototypeOf(p) === null;
    const isStandard = Array.isArray(item)
      ? Array.isArray(proto) &&
        Object.getPrototypeOf(proto) !== null &&
        isObjectPrototype(Object.getPrototypeOf(proto))
      : isObjectPrototype(proto);
    if (!isStandard) return false;
    stack.push(...Object.values(item));
  }
  return true;
}
