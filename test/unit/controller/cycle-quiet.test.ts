import { CycleQuiet } from '../../../src/controller/cycle-quiet.js';
import { FakeClock, flushAsync } from './fake-clock.js';

/** Whether `promise` settled by now (after pending callbacks ran). */
async function hasSettled(promise: Promise<void>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await flushAsync();
  return settled;
}

describe('CycleQuiet', () => {
  it('lets work through at once while no cycle is in flight', async () => {
    const clock = new FakeClock();
    const quiet = new CycleQuiet({ clock, maxWaitMs: 2_000 });

    expect(await hasSettled(quiet.whenQuiet())).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('holds work until the last of overlapping cycles ends, and drops its timer then', async () => {
    const clock = new FakeClock();
    const quiet = new CycleQuiet({ clock, maxWaitMs: 2_000 });
    const leaveFirst = quiet.enter();
    const leaveSecond = quiet.enter();
    const waiting = quiet.whenQuiet();

    leaveFirst();
    leaveFirst(); // a second call of one cycle's leave does not end the other cycle
    expect(await hasSettled(waiting)).toBe(false);

    leaveSecond();
    expect(await hasSettled(waiting)).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('lets work through after the longest wait while cycles keep running', async () => {
    const clock = new FakeClock();
    const quiet = new CycleQuiet({ clock, maxWaitMs: 2_000 });
    const leave = quiet.enter();
    const waiting = quiet.whenQuiet();

    await clock.advance(1_999);
    expect(await hasSettled(waiting)).toBe(false);
    await clock.advance(1);
    expect(await hasSettled(waiting)).toBe(true);

    // The cycle that ends later finds no waiter left to wake; the next wait starts afresh.
    leave();
    expect(await hasSettled(quiet.whenQuiet())).toBe(true);
  });

  it('refuses a wait that is not a number of ms', () => {
    const clock = new FakeClock();
    expect(() => new CycleQuiet({ clock, maxWaitMs: -1 })).toThrow(RangeError);
    expect(() => new CycleQuiet({ clock, maxWaitMs: Number.NaN })).toThrow(/maxWaitMs/);
  });
});
