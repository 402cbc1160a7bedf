import fc from 'fast-check';
import {
  durationField,
  InvalidDurationError,
  maxDurationLength,
  parseDurationMs,
} from '../../../src/api/index.js';
import { checkFuzzProperty } from '../../support/fuzz-property.js';
import { fuzzRuns, fuzzTimeoutMs } from '../../support/fuzz-runs.js';

// Fuzzing of the API duration syntax (`250ms`, `5s`, `1m30s`) that every duration field of a PacingCluster spec
// goes through. The examples and the CEL agreement live in test/unit/api/duration.test.ts and the CRD integration
// tests; here an independent scanner with BigInt arithmetic is the oracle for arbitrary text.

const family = 'duration';
const timeout = fuzzTimeoutMs(fuzzRuns);
const unitMs: Readonly<Record<string, bigint>> = { ms: 1n, s: 1000n, m: 60_000n, h: 3_600_000n };

/** The oracle: the exact sum in ms of a well-formed duration, or undefined; written without regular expressions. */
function referenceDurationMs(text: string): bigint | undefined {
  if (text.length === 0 || text.length > maxDurationLength) return undefined;
  let total = 0n;
  let i = 0;
  while (i < text.length) {
    const start = i;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i += 1;
    if (i === start) return undefined;
    const digits = text.slice(start, i);
    const unit = text.startsWith('ms', i) ? 'ms' : text[i];
    if (unit === undefined || !(unit in unitMs)) return undefined;
    total += BigInt(digits) * unitMs[unit]!;
    i += unit.length;
  }
  return total;
}

const durationChar = fc.constantFrom(...'0123456789mshx .-+٣', 'ms', 'µs', 'ns');
const durationLike = fc.oneof(
  fc.array(durationChar, { maxLength: 40 }).map((parts) => parts.join('')),
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 10n ** 30n })),
        fc.constantFrom('ms', 's', 'm', 'h'),
      ),
      { minLength: 1, maxLength: 5 },
    )
    .map((parts) => parts.map(([n, unit]) => `${n}${unit}`).join('')),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('NaN', 'Infinity', '1e3s', '0x10s', '-5s', '5S', ' 5s', '5s ', '', `${'9'.repeat(31)}h`),
);

// Edge rows, including the boundaries where the safe-integer check decides.
const edgeRows: readonly [string, string, number | undefined][] = [
  ['the largest safe number of ms', `${Number.MAX_SAFE_INTEGER}ms`, Number.MAX_SAFE_INTEGER],
  ['one ms past the largest safe number', `${Number.MAX_SAFE_INTEGER + 1}ms`, undefined],
  ['a sum of two halves that passes the safe range', '4503599627370496ms4503599627370496ms', undefined],
  ['31 nines of hours, within the length limit', `${'9'.repeat(31)}h`, undefined],
  ['leading zeros', '0005s', 5000],
  ['a text one character longer than the limit', `${'0'.repeat(maxDurationLength)}s`, undefined],
];

describe('duration parsing under fuzzing', () => {
  it.each(edgeRows)('reads %s as the oracle does', (_name, text, expectedMs) => {
    if (expectedMs === undefined) expect(() => parseDurationMs(text)).toThrow(InvalidDurationError);
    else expect(parseDurationMs(text)).toBe(expectedMs);
  });

  it(
    'accepts exactly what the oracle accepts within the safe range, with its exact value, else throws InvalidDurationError',
    async () => {
      await checkFuzzProperty(
        family,
        'parseDurationMs agrees with a BigInt oracle',
        fc.property(durationLike, (text) => {
          const expected = referenceDurationMs(text);
          const isAccepted = expected !== undefined && expected <= BigInt(Number.MAX_SAFE_INTEGER);
          let actual: number | InvalidDurationError;
          try {
            actual = parseDurationMs(text);
          } catch (error) {
            if (!(error instanceof InvalidDurationError)) throw error;
            actual = error;
          }
          if (isAccepted) {
            expect(actual).toBe(Number(expected));
            expect(Number.isSafeInteger(actual)).toBe(true);
          } else {
            expect(actual).toBeInstanceOf(InvalidDurationError);
            expect((actual as InvalidDurationError).code).toBe('PACING_ERR_INVALID_DURATION');
          }
        }),
        fuzzRuns,
      );
    },
    timeout,
  );

  // Shrunk counter-example: a well-formed duration past the safe range made the field's refinement throw
  // InvalidDurationError out of safeParse, so validatePacingCluster threw instead of reporting the field.
  it.each<[string, string]>([
    ['a well-formed duration past the safe range', '9007199254741s'],
    ['31 nines of hours', `${'9'.repeat(31)}h`],
  ])('has a bounded duration field refuse, not throw on, %s', (_name, text) => {
    const field = durationField({ field: 'refreshPeriod', min: '1s', max: '5m', description: 'fuzzed' });
    const result = field.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('refreshPeriod must be a duration between 1s and 5m');
  });

  it(
    'has a bounded duration field accept exactly the well-formed durations inside its range, and never throw',
    async () => {
      const field = durationField({ field: 'refreshPeriod', min: '1s', max: '5m', description: 'fuzzed' });
      await checkFuzzProperty(
        family,
        'durationField agrees with the oracle and its bounds',
        fc.property(fc.oneof(durationLike, fc.anything({ maxDepth: 1 })), (value) => {
          const expected = typeof value === 'string' ? referenceDurationMs(value) : undefined;
          const isInside = expected !== undefined && expected >= 1000n && expected <= 300_000n;
          expect(field.safeParse(value).success).toBe(isInside);
        }),
        fuzzRuns,
      );
    },
    timeout,
  );
});
