import fc from 'fast-check';
import {
  hasStandardPrototypes,
  isPrototypePolluted,
  mutationOf,
  pollutingObject,
} from '../../support/json-mutation.js';

// The fuzz helpers' own checks must be able to fail, or the properties built on them assert nothing.
describe('the fuzzing helpers', () => {
  it.each<[string, unknown, boolean]>([
    ['a JSON document', JSON.parse('{"a":[{"b":1}],"__proto__":{"c":2}}'), true],
    ['a null-prototype record', Object.create(null) as unknown, true],
    ['an object whose prototype an attacker chose', Object.create({ polluted: true }) as unknown, false],
    [
      'an array whose prototype is a plain object',
      Object.setPrototypeOf([], { length: 0 }) as unknown,
      false,
    ],
    ['a hostile prototype deep inside', { a: [{ b: Object.create({ polluted: true }) as unknown }] }, false],
  ])('tells standard prototypes from chosen ones: %s', (_name, value, expected) => {
    expect(hasStandardPrototypes(value)).toBe(expected);
  });

  it('sees a pollution of Object.prototype, and none in a polluting payload parsed as JSON', () => {
    expect(isPrototypePolluted()).toBe(false);
    expect(Object.keys(pollutingObject())).toEqual(['__proto__', 'constructor', 'polluted']);
    Object.defineProperty(Object.prototype, 'polluted', { value: true, configurable: true });
    try {
      expect(isPrototypePolluted()).toBe(true);
    } finally {
      Reflect.deleteProperty(Object.prototype, 'polluted');
    }
    expect(isPrototypePolluted()).toBe(false);
  });

  it('produces mutations that differ from the valid document', () => {
    const valid = { a: 1, b: [1, 2], c: { d: 'x' } };
    const samples = fc.sample(mutationOf(valid), { numRuns: 200, seed: 42 });
    const changed = samples.filter((s) => JSON.stringify(s) !== JSON.stringify(valid));
    expect(changed.length).toBeGreaterThan(150);
  });
});
