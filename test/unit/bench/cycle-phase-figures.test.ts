import { cycleLines, phaseFigures, cyclesWithin } from '../../bench/scale/scale-figures.js';

const logLine = (fields: Record<string, unknown>): string =>
  JSON.stringify({ level: 20, time: 1_000, msg: 'pacing cycle done', published: true, ...fields });

/** A cycle's log line with its phases' wall times (statistics, decision, publication) and their CPU, if given. */
const cycleLog = (durationMs: number, [stats, decide, publish]: number[], cpu?: Record<string, number>) =>
  logLine({
    durationMs,
    phasesMs: { stats, decide, publish },
    ...(cpu === undefined ? {} : { phasesCpuMs: cpu }),
  });

describe('the scale bench reading cycle phases from the operator log', () => {
  it('keeps each phase with its thread CPU, and leaves out phases a line does not carry whole', () => {
    const log = [
      cycleLog(200, [50, 90, 60], { stats: 5, decide: 70.5, publish: 20 }),
      cycleLog(180, [40, 80, 60], { stats: 1 }),
      '{"msg":"pacing cycle done", cut by a crash',
    ].join('\n');

    const lines = cycleLines(log);

    expect(lines).toEqual([
      {
        timeMs: 1_000,
        durationMs: 200,
        published: true,
        phasesMs: { stats: 50, decide: 90, publish: 60 },
        phasesCpuMs: { stats: 5, decide: 70.5, publish: 20 },
      },
      { timeMs: 1_000, durationMs: 180, published: true, phasesMs: { stats: 40, decide: 80, publish: 60 } },
    ]);
  });

  it('gives p50 and p99 of wall and CPU per phase and for the whole cycle, CPU only over lines that have it', () => {
    const lines = cycleLines(
      [
        cycleLog(300, [100, 120, 80], { stats: 10, decide: 100, publish: 30 }),
        cycleLog(200, [60, 80, 60], { stats: 4, decide: 60, publish: 20 }),
        cycleLog(400, [200, 100, 100]),
      ].join('\n'),
    );

    const figures = phaseFigures(lines);

    expect(figures?.decide).toEqual({ wallP50: 100, wallP99: 120, cpuP50: 60, cpuP99: 100 });
    expect(figures?.cycle).toEqual({ wallP50: 300, wallP99: 400, cpuP50: 84, cpuP99: 140 });
    expect(phaseFigures(cycleLines(logLine({ durationMs: 10 })))).toBeUndefined();
  });
});

describe('the cycles between the window-edge scrapes', () => {
  const line = (endMs: number, durationMs: number) => ({ timeMs: endMs, durationMs, published: true });

  it('keeps the cycles that began after the first scrape and ended before the second', () => {
    const lines = [line(1_100, 200), line(1_300, 200), line(6_000, 200), line(9_950, 200), line(10_100, 200)];

    expect(cyclesWithin(lines, 1_000, 10_000).map((l) => l.timeMs)).toEqual([1_300, 6_000, 9_950]);
  });
});
