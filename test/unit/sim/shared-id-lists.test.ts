import { SharedIdLists } from '../../../src/sim/shared-id-lists.js';

describe('SharedIdLists', () => {
  it('answers one frozen array for equal lists, another for a different one', () => {
    const lists = new SharedIdLists();
    const first = lists.share(['q-1:chat', 'q-2:chat']);

    expect(lists.share(['q-1:chat', 'q-2:chat'])).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(lists.share(['q-1:chat'])).toEqual(['q-1:chat']);
    expect(lists.share([])).toEqual([]);
  });

  it('tells apart lists that join alike', () => {
    const lists = new SharedIdLists();
    const joined = lists.share(['a\nb']);

    expect(lists.share(['a', 'b'])).toEqual(['a', 'b']);
    expect(lists.share(['a\nb'])).toEqual(['a\nb']);
    expect(joined).toEqual(['a\nb']);
  });

  it('keeps at most its capacity of lists', () => {
    const lists = new SharedIdLists(1);
    const a = lists.share(['a']);
    lists.share(['b']);

    expect(lists.share(['a'])).not.toBe(a);
  });
});
