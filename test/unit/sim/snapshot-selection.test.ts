import { aQueue } from '../../support/virtual-queue-fixture.js';
import {
  CompiledSelections,
  compileSelection,
  type SnapshotSelector,
} from '../../../src/sim/snapshot-selection.js';

const agent = (id: string, groups: string[], spanish: number) => ({
  id,
  groups,
  skills: { Spanish: spanish },
  media: {},
});
const snapshot = {
  snapshotTime: '2026-11-27T04:00:00.000Z',
  agents: [agent('a-1', ['sales'], 2), agent('a-2', ['support'], 7), agent('a-3', [], 0)],
  virtualQueues: [aQueue('sales'), aQueue('support')],
};
const none = { agentIds: [], agentGroups: [], skillExpressions: [], virtualQueues: [] };

describe('compileSelection', () => {
  it.each([
    ['by id', { ...none, agentIds: ['a-3'] }, ['a-3']],
    ['by group', { ...none, agentGroups: ['support'] }, ['a-2']],
    ['by skill expression', { ...none, skillExpressions: ['Spanish > 1'] }, ['a-1', 'a-2']],
    [
      'by any of them, in snapshot order',
      { ...none, agentIds: ['a-3'], agentGroups: ['sales'] },
      ['a-1', 'a-3'],
    ],
    ['nobody', none, []],
  ])('selects agents %s', (_name, selection, ids) => {
    expect(compileSelection(selection)(snapshot).agents.map((a) => a.id)).toEqual(ids);
  });

  it('keeps the named queues, every media', () => {
    const cut = compileSelection({ ...none, virtualQueues: ['support'] })(snapshot);
    expect(cut.virtualQueues.map((q) => q.name)).toEqual(['support']);
    expect(cut.snapshotTime).toBe(snapshot.snapshotTime);
  });
});

describe('CompiledSelections', () => {
  const body = (text: string, isGzip = false) => ({ bytes: Buffer.from(text), isGzip });
  const selector = (): SnapshotSelector => (s) => s;

  it('finds a selector by the bytes and encoding of its body', () => {
    const kept = new CompiledSelections();
    const one = selector();
    kept.set(body('{"a":1}'), one);

    expect(kept.get(body('{"a":1}'))).toBe(one);
    expect(kept.get(body('{"a":2}'))).toBeUndefined();
    expect(kept.get(body('{"a":1}', true))).toBeUndefined();
  });

  it('drops the least recently used beyond its capacity', () => {
    const kept = new CompiledSelections(2);
    const [a, b, c] = [selector(), selector(), selector()];
    kept.set(body('a'), a);
    kept.set(body('b'), b);
    kept.get(body('a'));
    kept.set(body('c'), c);

    expect(kept.get(body('a'))).toBe(a);
    expect(kept.get(body('b'))).toBeUndefined();
    expect(kept.get(body('c'))).toBe(c);
  });
});
