import { fnv1a32, shardOfTarget } from '../../../src/controller/target-shard.js';

describe('shardOfTarget', () => {
  // The published FNV-1a 32-bit test vectors: the hash must never change between releases.
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
    // Non-ASCII text hashes its UTF-8 bytes (value from an independent big-integer computation).
    ['tenant-é/queue', 0x39e9a8a8],
  ])('hashes %j to the published FNV-1a value', (text, hash) => {
    expect(fnv1a32(text)).toBe(hash);
  });

  // Pinned shard numbers: a change here moves targets between shards on upgrade, which must be deliberate.
  it.each([
    ['pacing-demo/proactive-chat', 3, 2],
    ['tenant-a/sales', 3, 2],
    ['tenant-a/support', 3, 1],
    ['ns/target-1', 3, 0],
    ['tenant-a/sales', 7, 5],
    ['ns/target-1', 7, 1],
  ])('puts %s in a stable shard of %i', (key, shards, shard) => {
    expect(shardOfTarget(key, shards)).toBe(shard);
  });

  it('puts every target in shard 0 when there is one shard', () => {
    expect(['a/b', 'c/d', 'x/y'].map((key) => shardOfTarget(key, 1))).toEqual([0, 0, 0]);
  });

  it('spreads many targets roughly evenly over the shards', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i += 1) counts[shardOfTarget(`tenant-${i % 17}/target-${i}`, 3)]! += 1;

    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});
