import {
  gcOverlap,
  parseGcTrace,
  processStartMs,
  withGcTrace,
  type GoCollection,
} from '../../bench/scale/go-gc-trace.js';
import { apiServerGcText } from '../../bench/scale/scale-report.js';

// Lines as kube-apiserver (Go 1.25) writes them with GODEBUG=gctrace=1, among its own log lines.
const LOG = [
  'I1128 06:21:13.123456   3056 server.go:123] serving securely',
  'gc 58 @118.900s 1%: 0.86+465+0.006 ms clock, 1.7+0/240/577+0.013 ms cpu, 740->749->345 MB, 870 MB goal, 0 MB stacks, 0 MB globals, 2 P',
  'gc 59 @126.800s 1%: 0.21+361+0.005 ms clock, 0.42+0.25/190/436+0.010 ms cpu, 590->598->361 MB, 694 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)',
  'W1128 06:21:20.000000   3056 warnings.go:70] something else',
].join('\n');

describe('the API server garbage collection trace', () => {
  it('reads each collection on the wall clock, with its wall time, CPU, idle-core CPU and live heap', () => {
    expect(parseGcTrace(LOG, 1_000_000)).toEqual([
      {
        startMs: 1_118_900,
        wallMs: 0.86 + 465 + 0.006,
        cpuMs: 1.7 + 0 + 240 + 577 + 0.013,
        idleCpuMs: 577,
        liveMiB: 345,
      },
      {
        startMs: 1_126_800,
        wallMs: 0.21 + 361 + 0.005,
        cpuMs: 0.42 + 0.25 + 190 + 436 + 0.01,
        idleCpuMs: 436,
        liveMiB: 361,
      },
    ]);
  });

  it('reads nothing from a log without trace lines', () => {
    expect(parseGcTrace('I1128 serving\ngc is not a trace line\n', 0)).toEqual([]);
  });

  const collection = (startMs: number, wallMs: number): GoCollection => ({
    startMs,
    wallMs,
    cpuMs: 2 * wallMs,
    idleCpuMs: wallMs,
    liveMiB: 300,
  });
  // Cycles every 5 s; the collection at 9,900 runs into the cycle of 10,000, the one at 15,300 into none.
  const cycles = [0, 5_000, 10_000, 15_000, 20_000].map((startMs, i) => ({
    startMs,
    endMs: startMs + (i === 2 ? 300 : 180 + i),
  }));
  const collections = [collection(-2_000, 100), collection(9_900, 400), collection(15_300, 200)];

  it('says which cycles a collection overlapped and how slow they were against the others', () => {
    const overlap = gcOverlap(collections, cycles, 0, 21_000, 2);
    expect(overlap).toEqual({
      collections: 2,
      intervalP50Seconds: 5.4,
      wallP50Ms: 200,
      cpuP50Ms: 400,
      idleCpuP50Ms: 200,
      liveP50MiB: 300,
      cycles: 5,
      overlappedCycles: 1,
      overlappedP50Ms: 300,
      otherP50Ms: 181,
      slowest: [
        { durationMs: 300, collections: [{ offsetMs: -100, wallMs: 400, cpuMs: 800 }] },
        { durationMs: 184, collections: [] },
      ],
    });
    expect(apiServerGcText(overlap)).toBe(
      "the API server's garbage collections in the window: 2, every 5.4 s at the median, 200 ms of marking and " +
        '400 ms of CPU each (200 of it idle-core workers), 300 MiB live; they overlapped 1 of 5 cycles (p50 300 ms ' +
        "against 181 for the others); the slowest cycles' collections: 300 ms (one begun 100 ms before it, " +
        '400 ms long, 800 ms of CPU); 184 ms (none)',
    );
  });

  it('has nothing to say without a collection in the window or without cycles', () => {
    expect(gcOverlap(collections, cycles, 30_000, 40_000)).toBeUndefined();
    expect(gcOverlap(collections, [], 0, 21_000)).toBeUndefined();
    expect(apiServerGcText(undefined)).toBe("the API server's garbage collections not recorded");
  });

  it('adds gctrace to what GODEBUG already holds', () => {
    expect(withGcTrace(undefined)).toBe('gctrace=1');
    expect(withGcTrace('')).toBe('gctrace=1');
    expect(withGcTrace('http2client=0')).toBe('http2client=0,gctrace=1');
  });

  (process.platform === 'linux' ? it : it.skip)('dates a live process from /proc to within a second', () => {
    const startedMs = Date.now() - process.uptime() * 1000;
    expect(Math.abs(processStartMs(process.pid)! - startedMs)).toBeLessThan(1_000);
    expect(processStartMs(2 ** 22 + 1)).toBeUndefined();
  });
});
