import { setFlagsFromString } from 'node:v8';

/**
 * Sets how far V8 lets the old generation grow past its live size before its next full collection, in percent
 * (V8's `--heap-growing-percent`; 100 lets it double). V8 picks the factor itself otherwise, capped by the heap
 * limit against the memory it sees; with the chart's 256 MiB it chose its smallest (1.3) in the scale benchmark,
 * where the old generation then reached its limit in the middle of every cycle at 10,000 targets, and the full
 * collection that followed competed with the cycle for the CPU. A larger factor leaves that collection to the
 * memory soft limit, between cycles (docs/performance.md, ninth pass). Node accepts the flag at run time but not
 * in NODE_OPTIONS, so the operator sets it as it starts; V8 reads it each time it sizes the heap after a
 * collection. 0 leaves V8's own factor. Returns the flag set.
 */
export function setHeapGrowingPercent(
  percent: number,
  setFlags: (flags: string) => void = setFlagsFromString,
): string | undefined {
  if (!(Number.isInteger(percent) && percent >= 0)) {
    throw new RangeError(`heap growing percent must be a whole number of 0 or more, got ${percent}`);
  }
  if (percent === 0) return undefined;
  const flag = `--heap-growing-percent=${percent}`;
  setFlags(flag);
  return flag;
}
