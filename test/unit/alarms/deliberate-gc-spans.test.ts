import { DeliberateGcSpans } from '../../../src/alarms/index.js';

describe('DeliberateGcSpans', () => {
  it('covers a moment inside a recorded span, ends included, and nothing outside', () => {
    const spans = new DeliberateGcSpans();
    expect(spans.covers(10)).toBe(false);
    spans.record(10, 20);
    spans.record(30, 35);
    expect([9.9, 10, 15, 20, 25, 30, 35, 35.1].map((at) => spans.covers(at))).toEqual([
      false,
      true,
      true,
      true,
      false,
      true,
      true,
      false,
    ]);
  });

  it('keeps the last sixteen spans', () => {
    const spans = new DeliberateGcSpans();
    for (let i = 0; i < 17; i += 1) spans.record(i * 10, i * 10 + 5);
    expect(spans.covers(2)).toBe(false);
    expect(spans.covers(12)).toBe(true);
    expect(spans.covers(162)).toBe(true);
  });

  it('records the span of a collection it runs, also when the collection throws', () => {
    const spans = new DeliberateGcSpans();
    const clockReadings = [100, 140, 200, 260];
    const now = () => clockReadings.shift()!;
    spans.run(() => undefined, now);
    expect(() =>
      spans.run(() => {
        throw new Error('no gc');
      }, now),
    ).toThrow('no gc');
    expect([120, 170, 230].map((at) => spans.covers(at))).toEqual([true, false, true]);
  });
});
