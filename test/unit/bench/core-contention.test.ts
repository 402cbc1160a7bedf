import {
  ContentionSampler,
  contentionBetween,
  cycleContention,
  type ContentionSample,
} from '../../bench/scale/core-contention.js';
import { contentionText } from '../../bench/scale/scale-report.js';

const MS = 1e6;
const processes = [
  { name: 'operator-1', pid: 10 },
  { name: 'reference servers', pid: 20, hasHelperThreads: true },
  { name: 'kube-apiserver', pid: 30 },
];

/** A sample at `atMs` with cumulative figures in ms: [main run, main wait, helpers run] per process. */
function sample(atMs: number, ...figures: [number, number, number][]): ContentionSample {
  return {
    atMs,
    mainRunNs: figures.map((f) => f[0] * MS),
    mainWaitNs: figures.map((f) => f[1] * MS),
    helpersRunNs: figures.map((f) => f[2] * MS),
  };
}

const samples = [
  sample(1_000, [0, 0, 0], [0, 0, 0], [0, 0, 0]),
  sample(1_100, [90, 5, 10], [20, 0, 0], [2, 0, 3]),
  sample(1_200, [180, 10, 20], [40, 0, 0], [4, 0, 6]),
  // A cycle that waited: the operator's thread ran 40 ms in 100 while the servers' GC helpers took 160.
  sample(1_300, [220, 70, 30], [70, 0, 160], [6, 0, 30]),
  sample(1_400, [310, 75, 40], [90, 0, 160], [8, 0, 33]),
];

describe('what the machine ran during a cycle', () => {
  it('takes the samples that enclose the interval and subtracts them', () => {
    const figures = contentionBetween(processes, samples, 1_150, 1_300);
    expect(figures).toEqual({
      spanMs: 200,
      byProcess: [
        { name: 'operator-1', mainRunMs: 130, mainWaitMs: 65, helpersRunMs: 20 },
        { name: 'reference servers', mainRunMs: 50, mainWaitMs: 0, helpersRunMs: 160 },
        { name: 'kube-apiserver', mainRunMs: 4, mainWaitMs: 0, helpersRunMs: 27 },
      ],
    });
  });

  it('has nothing to say of an interval the samples do not cover', () => {
    expect(contentionBetween(processes, samples, 900, 1_100)).toBeUndefined();
    expect(contentionBetween(processes, samples, 1_300, 1_450)).toBeUndefined();
  });

  it('summarises the waits per cycle and names the slowest cycle with its company', () => {
    const summary = cycleContention(processes, samples, [
      { processIndex: 0, startMs: 1_000, endMs: 1_100 },
      { processIndex: 0, startMs: 1_200, endMs: 1_300 },
      { processIndex: 0, startMs: 1_300, endMs: 1_400 },
      { processIndex: 0, startMs: 5_000, endMs: 5_100 }, // after the samples: not counted
    ]);
    expect(summary?.cycles).toBe(3);
    expect(summary?.waitP50Ms).toBe(5);
    expect(summary?.waitP99Ms).toBe(60);
    // Equal durations keep their order; the slowest list is by duration, so the first listed cycle comes first.
    expect(summary?.slowest[1]).toEqual({
      durationMs: 100,
      spanMs: 100,
      runMs: 40,
      waitMs: 60,
      others: [
        { name: 'reference servers', cpuMs: 190, helpersMs: 160 },
        // A Go program's threads are not split: its goroutines run on any of them.
        { name: 'kube-apiserver', cpuMs: 26 },
        { name: "operator-1's other threads", cpuMs: 10 },
      ],
    });
    expect(contentionText(summary)).toContain(
      '100 ms (in the 100 ms around it the thread ran 40 and waited 60; CPU meanwhile: reference servers 190 ' +
        "(helper threads 160), kube-apiserver 26, operator-1's other threads 10)",
    );
  });

  it('says when the waits were not recorded', () => {
    expect(contentionText(undefined)).toBe('waits for a core not recorded');
  });

  (process.platform === 'linux' ? it : it.skip)('reads a live process from /proc', async () => {
    // This thread spins for 50 ms of its own CPU time between the first and the last sample.
    const sampler = new ContentionSampler([{ name: 'this process', pid: process.pid }]);
    sampler.start(10);
    const fromUs = process.threadCpuUsage().user;
    while (process.threadCpuUsage().user - fromUs < 50_000) Math.sqrt(Math.random());
    sampler.stop();
    const taken = sampler.samples();
    const figures = contentionBetween(sampler.processes, taken, taken[0]!.atMs, taken.at(-1)!.atMs);
    expect(figures?.byProcess[0]!.mainRunMs).toBeGreaterThanOrEqual(45);
  });
});
