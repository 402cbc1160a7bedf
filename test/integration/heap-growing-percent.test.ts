import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../support/control-plane-paths.js';
import { buildOperator } from '../support/operator-harness.js';

/**
 * The flag works only if V8 still reads it after start-up (Node refuses it in NODE_OPTIONS, so the operator sets
 * it at run time). A child node with the chart's heap limit runs the built function, churns a heap through
 * several full collections and prints V8's own account of the growing factor it chose after each.
 */
const builtModule = path.join(repoRoot, 'dist/src/controller/heap-growing.js');

function factorsWith(percent: number): number[] {
  const script = `
    const { setHeapGrowingPercent } = await import(${JSON.stringify(builtModule)});
    setHeapGrowingPercent(${percent});
    // A live set that survives, and a round's worth that outlives the young generation and then dies.
    const live = Array.from({ length: 200_000 }, (_, i) => ({ i, name: 'live-' + i }));
    let round = [];
    for (let r = 0; r < 25; r++) round = Array.from({ length: 150_000 }, (_, i) => ({ r, i, pair: [i, r] }));
    console.log('kept', live.length + round.length);
  `;
  const child = spawnSync(
    process.execPath,
    ['--max-old-space-size=256', '--trace-gc-verbose', '--input-type=module', '-e', script],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  expect(child.status).toBe(0);
  expect(child.stdout).toContain('kept 350000');
  return [...child.stdout.matchAll(/\[HeapController\] factor ([\d.]+)/g)].map((m) => Number(m[1]));
}

describe('heap growing percent in a real V8', () => {
  beforeAll(() => buildOperator(), 300_000);

  it('makes V8 size the old generation at twice its live size after every full collection', () => {
    const factors = factorsWith(100);

    expect(factors.length).toBeGreaterThan(0);
    expect(new Set(factors)).toEqual(new Set([2]));
  });

  it("leaves V8's own factor at 0, which is smaller with the chart's 256 MiB heap limit", () => {
    // V8 scales its largest factor with the heap limit against the machine's memory; at 256 MiB on any machine
    // with more than about a gigabyte that is its smallest, 1.3.
    const factors = factorsWith(0);

    expect(factors.length).toBeGreaterThan(0);
    expect(Math.max(...factors)).toBeLessThan(2);
  });
});
