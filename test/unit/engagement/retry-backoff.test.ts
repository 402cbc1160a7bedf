import { jitteredBackoffMs, parseRetryAfterMs } from '../../../src/engagement/index.js';

describe('jitteredBackoffMs', () => {
  it.each([
    [1, 0.999, 199],
    [2, 0.999, 399],
    [3, 0.5, 400],
    [10, 0.999, 1_998],
    [1, 0, 0],
  ])('for retry %i with random %f waits %i ms (base 200, cap 2000)', (retry, random, expected) => {
    expect(jitteredBackoffMs(retry, { baseMs: 200, maxMs: 2_000 }, () => random)).toBe(expected);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-11-25T18:00:00Z');
  it.each<[string, string | string[] | undefined, number | undefined]>([
    ['delta seconds', '2', 2_000],
    ['delta seconds with spaces', ' 5 ', 5_000],
    ['an HTTP date in the future', 'Wed, 25 Nov 2026 18:00:30 GMT', 30_000],
    ['an HTTP date in the past as zero', 'Wed, 25 Nov 2026 17:00:00 GMT', 0],
    ['the first of repeated headers', ['3', '9'], 3_000],
    ['nothing as undefined', undefined, undefined],
    ['garbage as undefined', 'soon', undefined],
    ['an empty value as undefined', '', undefined],
  ])('reads %s', (_name, value, expected) => {
    expect(parseRetryAfterMs(value, now)).toBe(expected);
  });
});
