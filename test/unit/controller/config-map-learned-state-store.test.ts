import { learnedStateConfigMapName } from '../../../src/controller/config-map-learned-state-store.js';

describe('learnedStateConfigMapName', () => {
  it.each([
    ['one state per cluster when unsharded', undefined, 'tenant.main-pacing-state'],
    ['one state per shard when sharded', 0, 'tenant.main-pacing-state-shard-0'],
    ['a distinct name for every shard', 7, 'tenant.main-pacing-state-shard-7'],
  ])('names %s', (_name, shard, expected) => {
    expect(learnedStateConfigMapName('tenant/main', shard)).toBe(expected);
  });

  it('keeps the shard suffix when a long key is replaced by its hash', () => {
    const name = learnedStateConfigMapName(`tenant/${'x'.repeat(260)}`, 2);

    expect(name).toMatch(/^pacing-state-[0-9a-f]{32}-shard-2$/);
  });
});
