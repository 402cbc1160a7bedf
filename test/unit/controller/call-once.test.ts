import { callOnce } from '../../../src/controller/call-once.js';

describe('callOnce', () => {
  it('runs the wrapped function on the first call only', () => {
    let calls = 0;
    const release = callOnce(() => (calls += 1));

    release();
    release();
    release();

    expect(calls).toBe(1);
  });

  it('keeps each wrapper to itself', () => {
    const calls: string[] = [];
    const first = callOnce(() => calls.push('first'));
    const second = callOnce(() => calls.push('second'));

    first();
    first();
    second();

    expect(calls).toEqual(['first', 'second']);
  });
});
