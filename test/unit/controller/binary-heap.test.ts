import fc from 'fast-check';
import { BinaryHeap } from '../../../src/controller/binary-heap.js';

describe('BinaryHeap', () => {
  it('pops items in its order whatever the order of pushes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 200 }), (values) => {
        const heap = new BinaryHeap<number>((a, b) => a < b);
        for (const v of values) heap.push(v);
        expect(heap.size).toBe(values.length);
        const popped: number[] = [];
        for (let v = heap.pop(); v !== undefined; v = heap.pop()) popped.push(v);
        expect(popped).toEqual([...values].sort((a, b) => a - b));
      }),
    );
  });

  it('keeps only what retain accepts, still in order', () => {
    const heap = new BinaryHeap<number>((a, b) => a < b);
    for (const v of [5, 3, 8, 1, 9, 2]) heap.push(v);
    heap.retain((v) => v % 2 === 1);
    expect(heap.peek()).toBe(1);
    expect([heap.pop(), heap.pop(), heap.pop(), heap.pop(), heap.pop()]).toEqual([1, 3, 5, 9, undefined]);
  });
});
