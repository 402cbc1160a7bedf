import fc from 'fast-check';
import { durationField, InvalidDurationError, parseDurationMs } from '../../../src/api/index.js';

describe('parseDurationMs', () => {
  it.each<[string, string, number]>([
    ['reads milliseconds', '250ms', 250],
    ['reads seconds', '5s', 5000],
    ['reads minutes', '1m', 60_000],
    ['reads hours', '2h', 7_200_000],
    ['adds up compound durations', '1m30s', 90_000],
    ['reads zero', '0s', 0],
    ['accepts repeated units like Go does', '1s1s', 2000],
  ])('%s: %s', (_name, text, expected) => {
    expect(parseDurationMs(text)).toBe(expected);
  });

  it.each<[string, string]>([
    ['refuses an empty string', ''],
    ['refuses a bare number', '5'],
    ['refuses a decimal', '1.5s'],
    ['refuses a negative duration', '-1s'],
    ['refuses microseconds', '10us'],
    ['refuses spaces', '5 s'],
    ['refuses upper-case units', '5S'],
    ['refuses text longer than 32 characters', '1s'.repeat(17)],
  ])('%s: %j', (_name, text) => {
    expect(() => parseDurationMs(text)).toThrow(InvalidDurationError);
  });

  it('names the offending text in its message', () => {
    expect(() => parseDurationMs('5 minutes')).toThrow(/invalid duration "5 minutes"/);
  });

  it('reads back every sum of parts written in the API syntax', () => {
    const unit = fc.constantFrom(['ms', 1], ['s', 1000], ['m', 60_000], ['h', 3_600_000]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 9999 }), unit), { minLength: 1, maxLength: 4 }),
        (parts) => {
          const text = parts.map(([n, [u]]) => `${n}${u}`).join('');
          const expected = parts.reduce((sum, [n, [, ms]]) => sum + n * (ms as number), 0);
          expect(parseDurationMs(text)).toBe(expected);
        },
      ),
    );
  });
});

describe('durationField', () => {
  const field = durationField({ field: 'refreshPeriod', min: '1s', max: '5m', description: 'How often.' });

  it.each(['1s', '5s', '1m30s', '5m', '300000ms'])('accepts %s inside the range', (text) => {
    expect(field.parse(text)).toBe(text);
  });

  it.each(['999ms', '5m1s', '1h', '0s', 'soon', '1.5s'])(
    'refuses %s with a message naming the field',
    (text) => {
      const result = field.safeParse(text);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/^refreshPeriod must be a duration between 1s and 5m/);
    },
  );

  it('carries a CEL rule that checks the same range, guarded by the pattern', () => {
    expect(field.meta()?.['x-kubernetes-validations']).toEqual([
      {
        rule: "!self.matches('^([0-9]+(ms|s|m|h))+$') || (duration(self) >= duration('1s') && duration(self) <= duration('5m'))",
        message: expect.stringMatching(/^refreshPeriod must be a duration between 1s and 5m/),
      },
    ]);
  });
});
