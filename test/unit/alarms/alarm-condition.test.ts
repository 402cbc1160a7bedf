import fc from 'fast-check';
import { AlarmCondition, AlarmConfigError } from '../../../src/alarms/index.js';

const timing = { detectAfterMs: 20_000, cancelAfterMs: 30_000 };

/** Feeds `[isBreaching, atMs]` steps and returns the transitions, in order, with their times. */
function run(steps: readonly (readonly [boolean, number])[]): string[] {
  const condition = new AlarmCondition(timing);
  const seen: string[] = [];
  for (const [isBreaching, atMs] of steps) {
    const transition = condition.observe(isBreaching, atMs);
    if (transition) seen.push(`${transition}@${atMs}`);
  }
  return seen;
}

describe('AlarmCondition', () => {
  it.each([
    [
      'detects once a breach has held for the detect delay',
      [
        [true, 0],
        [true, 10_000],
        [true, 20_000],
      ],
      ['detected@20000'],
    ],
    [
      'does not detect a breach shorter than the detect delay',
      [
        [true, 0],
        [true, 10_000],
        [false, 15_000],
      ],
      [],
    ],
    [
      'restarts the detect delay after a clear observation (a blip does not accumulate)',
      [
        [true, 0],
        [true, 15_000],
        [false, 16_000],
        [true, 17_000],
        [true, 30_000],
        [true, 37_000],
      ],
      ['detected@37000'],
    ],
    [
      'cancels once the condition has stayed clear for the cancel delay',
      [
        [true, 0],
        [true, 20_000],
        [false, 30_000],
        [false, 50_000],
        [false, 60_000],
      ],
      ['detected@20000', 'cancelled@60000'],
    ],
    [
      'stays active through a short clear spell (no flapping)',
      [
        [true, 0],
        [true, 20_000],
        [false, 30_000],
        [false, 50_000],
        [true, 55_000],
        [false, 60_000],
        [false, 80_000],
      ],
      ['detected@20000'],
    ],
    [
      'treats a clock stepping back as no time passing',
      [
        [true, 50_000],
        [true, 10_000],
        [true, 60_000],
        [true, 70_000],
      ],
      ['detected@70000'],
    ],
  ] as const)('%s', (_name, steps, expected) => {
    expect(run(steps)).toEqual(expected);
  });

  it('detects on the first breach when the detect delay is zero', () => {
    const condition = new AlarmCondition({ detectAfterMs: 0, cancelAfterMs: 0 });
    expect(condition.observe(true, 5)).toBe('detected');
    expect(condition.isActive).toBe(true);
    expect(condition.observe(false, 6)).toBe('cancelled');
  });

  it('measures a pending breach against new delays after retime', () => {
    const condition = new AlarmCondition(timing);
    expect(condition.observe(true, 0)).toBeUndefined();
    condition.retime({ detectAfterMs: 1_000, cancelAfterMs: 1_000 });
    expect(condition.observe(true, 1_000)).toBe('detected');
  });

  it('reset cancels at once and reports whether it was active', () => {
    const condition = new AlarmCondition({ detectAfterMs: 0, cancelAfterMs: 60_000 });
    condition.observe(true, 0);
    expect(condition.reset()).toBe(true);
    expect(condition.isActive).toBe(false);
    expect(condition.isIdle).toBe(true);
    expect(condition.reset()).toBe(false);
  });

  it.each([
    ['a negative detect delay', { detectAfterMs: -1, cancelAfterMs: 0 }, /detectAfterMs/],
    ['a non-finite cancel delay', { detectAfterMs: 0, cancelAfterMs: Number.NaN }, /cancelAfterMs/],
  ])('rejects %s at construction', (_name, badTiming, message) => {
    expect(() => new AlarmCondition(badTiming)).toThrow(AlarmConfigError);
    expect(() => new AlarmCondition(badTiming)).toThrow(message);
  });

  it('never changes state on observations that alternate faster than both delays', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 9_999 })), { maxLength: 200 }),
        (steps) => {
          // Each run of equal observations lasts less than 10 s, below both delays (20 s and 30 s).
          const condition = new AlarmCondition(timing);
          let nowMs = 0;
          let previous: boolean | undefined;
          let runStartMs = 0;
          for (const [isBreaching, gapMs] of steps) {
            nowMs += gapMs;
            if (isBreaching !== previous) runStartMs = nowMs;
            previous = isBreaching;
            if (nowMs - runStartMs >= 10_000) continue; // keep every run under 10 s
            expect(condition.observe(isBreaching, nowMs)).toBeUndefined();
          }
          expect(condition.isActive).toBe(false);
        },
      ),
    );
  });

  it('alternates detected and cancelled, never the same transition twice in a row', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40_000 })), { maxLength: 300 }),
        (steps) => {
          const condition = new AlarmCondition(timing);
          let nowMs = 0;
          let last: string | undefined;
          for (const [isBreaching, gapMs] of steps) {
            nowMs += gapMs;
            const transition = condition.observe(isBreaching, nowMs);
            if (!transition) continue;
            expect(transition).not.toBe(last);
            expect(transition === 'detected').toBe(isBreaching);
            last = transition;
          }
          expect(condition.isActive).toBe(last === 'detected');
        },
      ),
    );
  });
});
