import { SpanDecays } from '../../../src/pacing/span-decays.js';

describe('the discount factors of a round', () => {
  it('are the exponentials of each span, recomputed whenever a span changes', () => {
    const spans = new SpanDecays();
    const first = { ...spans.over(2, 2) };
    expect(first.pending).toBe(Math.exp(-2 / 600));
    expect(first.handle).toBe(Math.exp(-2 / 1800));
    expect(first.hour).toBe(Math.exp(-2 / 3600));
    const later = spans.over(2, 4);
    expect(later.pending).toBe(first.pending);
    expect(later.short).toBe(Math.exp(-4 / 900));
    expect(spans.over(1, 4).pending).toBe(Math.exp(-1 / 600));
  });

  it('are 1 when no time passed or the span is not a number', () => {
    const spans = new SpanDecays().over(0, Number.NaN);
    expect([spans.pending, spans.handle, spans.patience, spans.rate, spans.short, spans.hour]).toEqual([
      1, 1, 1, 1, 1, 1,
    ]);
    expect(new SpanDecays().over(3, Number.NaN).over(3, Number.NaN).pending).toBe(Math.exp(-3 / 600));
  });
});
