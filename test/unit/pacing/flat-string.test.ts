import { flattened } from '../../../src/pacing/flat-string.js';

describe('flattened', () => {
  it('returns the same text, empty or built from parts', () => {
    const parts = ['paced: capacity ', String(1.5), ' − waiting ', String(3), ', p̂ ', '0.250'];
    let built = '';
    for (const part of parts) built += part;
    expect(flattened(built)).toBe(parts.join(''));
    expect(flattened('')).toBe('');
  });
});
