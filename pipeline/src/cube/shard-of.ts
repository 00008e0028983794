/**
 * Which shard of a sharded cube holds the rows of a dimension value: FNV-1a (32-bit) over
 * the value's UTF-16 code units, modulo the number of shards; the absent value is in shard
 * 0. `costs site-data` writes the shards with it and the site's browser code finds a
 * value's shard with it, so both must agree: this is the one copy.
 */
export function shardOf(value: string | null, count: number): number {
  if (value === null) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}
