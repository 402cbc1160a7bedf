import { FenceRegister } from '../../../src/sim/fence-register.js';

describe('the fence register of the reference engagement platform', () => {
  it('refuses an older token than one applied, per target, and never one without a token', () => {
    const fences = new FenceRegister();
    fences.applied('Q:chat', '900');
    expect(fences.isStale('Q:chat', '899')).toBe(true);
    expect(fences.isStale('Q:chat', '900')).toBe(false);
    expect(fences.isStale('Q:chat', '1000')).toBe(false);
    expect(fences.isStale('Other:chat', '1')).toBe(false);
    expect(fences.isStale('Q:chat', undefined)).toBe(false);
  });

  it('keeps the highest token applied, compared as integers', () => {
    const fences = new FenceRegister();
    fences.applied('Q:chat', '99');
    fences.applied('Q:chat', '100');
    fences.applied('Q:chat', '98');
    fences.applied('Q:chat', undefined);
    expect(fences.highest('Q:chat')).toBe('100');
    expect(fences.isStale('Q:chat', '99')).toBe(true);
  });
});
