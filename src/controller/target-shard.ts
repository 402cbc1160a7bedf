/**
 * The shard of a PacingTarget: FNV-1a (32 bit) of its `namespace/name` key, modulo the shard count. Every replica
 * and every release must agree on it, so the function and its constants never change (a unit test pins values).
 */
export function shardOfTarget(targetKey: string, shardCount: number): number {
  if (shardCount <= 1) return 0;
  return fnv1a32(targetKey) % shardCount;
}

/** FNV-1a, 32 bit, over the UTF-8 bytes of `text`; unsigned. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  // Kubernetes names are ASCII, where a char code is the UTF-8 byte: no encoding (it runs per target per cycle).
  if (!/[^\p{ASCII}]/u.test(text)) {
    for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return hash;
  }
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    // Math.imul keeps the product exact modulo 2^32 (a plain * would lose low bits beyond 2^53).
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
