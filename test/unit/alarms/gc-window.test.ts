import { AlarmConfigError, GcWindow } from '../../../src/alarms/index.js';

describe('GcWindow', () => {
  it('reports the longest pause and the major collections per minute within the window', () => {
    const window = new GcWindow(60_000);
    window.add(1_000, 3, false);
    window.add(2_000, 1_200, true);
    window.add(3_000, 40, true);
    expect(window.summarize(10_000)).toEqual({ maxPauseMs: 1_200, majorCountPerMinute: 2 });
  });

  it('forgets collections older than the window', () => {
    const window = new GcWindow(60_000);
    window.add(1_000, 1_500, true);
    window.add(50_000, 20, true);
    expect(window.summarize(61_000)).toEqual({ maxPauseMs: 20, majorCountPerMinute: 1 });
    expect(window.summarize(200_000)).toEqual({ maxPauseMs: 0, majorCountPerMinute: 0 });
  });

  it('scales the count of a shorter window to one minute', () => {
    const window = new GcWindow(15_000);
    for (let i = 1; i <= 6; i += 1) window.add(i * 1_000, 5, true);
    expect(window.summarize(10_000).majorCountPerMinute).toBe(24);
  });

  it('rejects a window that is not positive', () => {
    expect(() => new GcWindow(0)).toThrow(AlarmConfigError);
  });
});
