import fc from 'fast-check';
import { AgentIndex, type AgentInput } from '../../../src/pacing/index.js';

const agentsWith = (ids: readonly string[]): AgentInput[] =>
  ids.map((id) => ({ id, groups: [], skills: {}, media: {} }));

describe('AgentIndex', () => {
  it('resolves a list to snapshot indexes, -1 for an agent the snapshot does not list', () => {
    const index = AgentIndex.of(agentsWith(['a', 'b', 'c']));

    expect(index.indexesOf(['c', 'x', 'a'])).toEqual([2, -1, 0]);
    expect(index.indexOf('b')).toBe(1);
    expect(index.indexOf('x')).toBeUndefined();
  });

  it('remembers a resolved list by identity and keeps it while the next snapshot lists the same agents', () => {
    const list = ['b', 'c'];
    const first = AgentIndex.of(agentsWith(['a', 'b', 'c']));
    const resolved = first.indexesOf(list);
    // Fresh string objects, as a newly parsed snapshot has them.
    const next = AgentIndex.of(agentsWith(['a', 'b', 'c'].map((id) => `${id} `.trim())), first);

    expect(next).toBe(first);
    expect(next.indexesOf(list)).toBe(resolved);
  });

  it('starts over when the agents changed, and resolves against the new order', () => {
    const list = ['b', 'c'];
    const first = AgentIndex.of(agentsWith(['a', 'b', 'c']));
    first.indexesOf(list);

    for (const ids of [
      ['a', 'c', 'b'],
      ['a', 'b'],
      ['a', 'b', 'c', 'd'],
      ['x', 'b', 'c'],
    ]) {
      const next = AgentIndex.of(agentsWith(ids), first);
      expect(next).not.toBe(first);
      expect(next.indexesOf(list)).toEqual(list.map((id) => ids.indexOf(id)));
    }
  });

  it('resolves like a search of the snapshot, whatever the hint (property)', () => {
    const id = fc.integer({ min: 0, max: 12 }).map((n) => `a${n}`);
    fc.assert(
      fc.property(fc.array(id), fc.array(id), fc.array(id), (before, after, list) => {
        const hint = AgentIndex.of(agentsWith(before));
        hint.indexesOf(list);
        const resolved = AgentIndex.of(agentsWith(after), hint).indexesOf(list);
        // A repeated id resolves to its last entry.
        expect(resolved).toEqual(list.map((wanted) => after.lastIndexOf(wanted)));
      }),
    );
  });
});
