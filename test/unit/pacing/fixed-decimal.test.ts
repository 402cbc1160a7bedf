import fc from 'fast-check';
import { formatFixed } from '../../../src/pacing/fixed-decimal.js';

describe('formatFixed', () => {
  it.each([
    [0, 2, '0.00'],
    [-0, 2, '0.00'],
    [1.005, 2, '1.00'],
    [0.125, 2, '0.13'],
    [2.5, 0, '3'],
    [0.05, 1, '0.1'],
    [-1.25, 1, '-1.3'],
    [Number.NaN, 2, 'NaN'],
    [Number.POSITIVE_INFINITY, 1, 'Infinity'],
    [123456789.987, 2, '123456789.99'],
    [0.0004, 3, '0.000'],
  ] as const)('formats %p with %p digits as toFixed does (%p)', (value, digits, expected) => {
    expect(formatFixed(value, digits)).toBe(expected);
    expect(formatFixed(value, digits)).toBe(value.toFixed(digits));
  });

  it('agrees with toFixed on any double and any of 0–3 digits', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double(),
          fc.double({ min: 0, max: 1000 }),
          fc.integer({ min: 0, max: 100_000 }).map((n) => n / 1000),
        ),
        fc.constantFrom(0 as const, 1 as const, 2 as const, 3 as const),
        (value, digits) => formatFixed(value, digits) === value.toFixed(digits),
      ),
      { numRuns: 20_000 },
    );
  });
});
