/**
 * Which shard of a sharded cube holds the rows of a dimension value: FNV-1a (32-bit) over
 * the value's UTF-16 code units, modulo the number of shards; the absent value has a shard
 * of its own, number `count` (many rows often lack a user or a metadata value: they would
 * make one shard of values much larger than the others). `costs site-data` writes the shards with it and the site's browser code finds a
 * value's shard with it, so both must agree: this is the one copy.
 */
export function shardOf(value: string | null, count: number): number {
  if (value === null) return count;
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % count;
}

/**
 * From this many cube rows on, `costs site-data` also writes the cube's shards and its
 * projection (site-data/write-cube-parts.ts; `--cube-parts`): a smaller cube loads whole
 * in a fraction of a second.
 */
export const CUBE_PARTS_FROM = 100_000;

/** Rows of a shard, about: this share of CUBE_PARTS_FROM (the number of shards is the cube's rows over it). */
export const SHARD_SHARE = 0.4;
