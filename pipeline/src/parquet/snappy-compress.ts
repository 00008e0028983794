/**
 * Snappy compression of one buffer in the raw block format (what Parquet's SNAPPY codec
 * stores): the uncompressed length as a varint, then literals and back-references.
 * The algorithm is the reference one (as in github.com/golang/snappy `encodeBlock`): the
 * input is cut into 64 KiB blocks, each searched with a 16K-entry hash table of 4-byte
 * sequences, skipping ahead faster the longer nothing matches, so incompressible data
 * costs little. It writes into a caller's buffer of `maxCompressedLength` bytes, with no
 * allocation per call, several times faster than hyparquet-writer's byte-at-a-time copy.
 */

const BLOCK_SIZE = 65536;
const TABLE_BITS = 14;
/** A block shorter than this is stored as one literal. */
const MIN_BLOCK_TO_SEARCH = 17;
const INPUT_MARGIN = 15;
const table = new Uint16Array(1 << TABLE_BITS);

/** The size of the buffer `snappyCompress` needs for `length` input bytes (the format's bound). */
export function maxCompressedLength(length: number): number {
  return 32 + length + Math.floor(length / 6);
}

/** Compresses `src` into `dst` (at least `maxCompressedLength(src.length)` bytes); returns the compressed length. */
export function snappyCompress(input: Uint8Array, dst: Uint8Array): number {
  // A plain Uint8Array view: `subarray` on a Buffer goes through its species constructor, far slower.
  const src = new Uint8Array(input.buffer, input.byteOffset, input.length);
  let d = 0;
  let n = src.length;
  while (n >= 0x80) {
    dst[d++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  dst[d++] = n;
  for (let start = 0; start < src.length; start += BLOCK_SIZE) {
    const end = Math.min(start + BLOCK_SIZE, src.length);
    d = end - start < MIN_BLOCK_TO_SEARCH ? emitLiteral(dst, d, src, start, end) : compressBlock(src, start, end, dst, d);
  }
  return d;
}

function load32(src: Uint8Array, i: number): number {
  return src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
}

function compressBlock(src: Uint8Array, start: number, end: number, dst: Uint8Array, d: number): number {
  let shift = 24;
  for (let size = 256; size < table.length && size < end - start; size *= 2) shift--;
  table.fill(0, 0, 1 << (32 - shift));
  const sLimit = end - INPUT_MARGIN;
  let nextEmit = start;
  let s = start + 1;
  let nextHash = Math.imul(load32(src, s), 0x1e35a7bd) >>> shift;
  outer: for (;;) {
    let skip = 32;
    let nextS = s;
    let candidate: number;
    for (;;) {
      s = nextS;
      const step = skip >> 5;
      nextS = s + step;
      skip += step;
      if (nextS > sLimit) break outer;
      candidate = start + table[nextHash]!;
      table[nextHash] = s - start;
      nextHash = Math.imul(load32(src, nextS), 0x1e35a7bd) >>> shift;
      if (load32(src, s) === load32(src, candidate)) break;
    }
    d = emitLiteral(dst, d, src, nextEmit, s);
    for (;;) {
      const base = s;
      s += 4;
      for (let i = candidate + 4; s < end && src[i] === src[s]; i++) s++;
      d = emitCopy(dst, d, base - candidate, s - base);
      nextEmit = s;
      if (s >= sLimit) break outer;
      table[Math.imul(load32(src, s - 1), 0x1e35a7bd) >>> shift] = s - 1 - start;
      const currentHash = Math.imul(load32(src, s), 0x1e35a7bd) >>> shift;
      candidate = start + table[currentHash]!;
      table[currentHash] = s - start;
      if (load32(src, s) !== load32(src, candidate)) {
        nextHash = Math.imul(load32(src, s + 1), 0x1e35a7bd) >>> shift;
        s++;
        break;
      }
    }
  }
  return nextEmit < end ? emitLiteral(dst, d, src, nextEmit, end) : d;
}

function emitLiteral(dst: Uint8Array, d: number, src: Uint8Array, from: number, to: number): number {
  const n = to - from - 1;
  if (n < 60) {
    dst[d++] = n << 2;
  } else if (n < 0x100) {
    dst[d++] = 60 << 2;
    dst[d++] = n;
  } else if (n < 0x10000) {
    dst[d++] = 61 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = n >>> 8;
  } else {
    dst[d++] = 62 << 2;
    dst[d++] = n & 0xff;
    dst[d++] = (n >>> 8) & 0xff;
    dst[d++] = n >>> 16;
  }
  if (n < 32) {
    for (let i = from; i < to; i++) dst[d++] = src[i]!;
    return d;
  }
  dst.set(src.subarray(from, to), d);
  return d + n + 1;
}

function emitCopy(dst: Uint8Array, d: number, offset: number, length: number): number {
  while (length >= 68) {
    dst[d++] = (63 << 2) | 2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    length -= 64;
  }
  if (length > 64) {
    dst[d++] = (59 << 2) | 2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    length -= 60;
  }
  if (length >= 12 || offset >= 2048) {
    dst[d++] = ((length - 1) << 2) | 2;
    dst[d++] = offset & 0xff;
    dst[d++] = offset >>> 8;
    return d;
  }
  dst[d++] = ((offset >>> 8) << 5) | ((length - 4) << 2) | 1;
  dst[d++] = offset & 0xff;
  return d;
}
