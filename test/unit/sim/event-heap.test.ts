import fc from 'fast-check';
import { EventHeap } from '../../../src/sim/index.js';

describe('EventHeap', () => {
  it('pops events in time order, simultaneous ones in the order they were pushed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 3000 }), (times) => {
        const heap = new EventHeap();
        times.forEach((t, i) => heap.push(t, 1, i, 0));
        const out: [number, number, number, number] = [0, 0, 0, 0];
        const popped: [number, number][] = [];
        while (heap.pop(out)) popped.push([out[0], out[2]]);
        const expected = times
          .map((t, i) => [t, i] as [number, number])
          .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(popped).toEqual(expected);
      }),
    );
  });

  it('reports Infinity as the next time when empty', () => {
    expect(new EventHeap().peekTime()).toBe(Number.POSITIVE_INFINITY);
  });
});
