import { decideShardShare } from '../../../src/controller/shard-share.js';

describe('decideShardShare', () => {
  it.each([
    // shards, held, alive, fewest held by a peer → fair share, may acquire, surplus
    ['alone, takes every shard', 3, 0, 1, undefined, 3, true, 0],
    ['alone and holding all', 3, 3, 1, undefined, 3, false, 0],
    ['three replicas, holds none', 3, 0, 3, 0, 1, true, 0],
    ['three replicas, holds its share', 3, 1, 3, 1, 1, false, 0],
    ['a peer joined a lone holder of three', 3, 3, 2, 0, 2, false, 1],
    ['two peers joined a lone holder of three', 3, 3, 3, 0, 1, false, 2],
    ['a peer died: two left for three shards', 3, 1, 2, 1, 2, true, 0],
    ['two left, holds two', 3, 2, 2, 1, 2, false, 0],
    ['four shards, three replicas, a starved peer: hand one back', 4, 2, 3, 0, 2, false, 1],
    ['four shards, three replicas, a starved peer: take no more than the floor', 4, 1, 3, 0, 2, false, 0],
    ['four shards, three replicas, nobody starved: take up to the ceiling', 4, 1, 3, 1, 2, true, 0],
    ['more replicas than shards: the spare holds none', 2, 0, 3, 1, 1, true, 0],
  ])('%s', (_name, shardCount, held, alive, fewestHeldByPeer, fairShare, mayAcquire, surplus) => {
    const decision = decideShardShare({ shardCount, held, alive, fewestHeldByPeer });

    expect([decision.fairShare, decision.mayAcquire, decision.surplus]).toEqual([
      fairShare,
      mayAcquire,
      surplus,
    ]);
  });

  it('treats an empty membership as this replica alone', () => {
    expect(decideShardShare({ shardCount: 4, held: 0, alive: 0 }).fairShare).toBe(4);
  });
});
