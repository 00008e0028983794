import { packNulls } from "./encode-rle.ts";
import type { ScratchBuffer } from "./scratch-buffer.ts";

/**
 * PLAIN encoders of the non-null values of one column chunk, each writing into a scratch
 * buffer from 0. Nulls are skipped; `bits` receives the definition levels packed 8 to a
 * byte (see `packNulls`). The integer encoders also give min and max for the statistics.
 */

export interface Plain<T = never> {
  length: number;
  nullCount: number;
  /** Meaningless when every value is null. */
  min?: T;
  max?: T;
}

const TWO_32 = 4294967296;

/*
 * Each hot loop is a small function of its own, returning a count: V8 compiles such a loop
 * on the fly (OSR) on its first large call, and code after a loop that has never run would
 * make that compiled loop bail out at every later call. Loops over rows that may be null
 * are branch-free (nulls are unpredictable branches): each value is stored, the output
 * position only moves past the present ones, and the definition levels are packed on the
 * way (bit k of bits[g] for row 8g + k: 1 = present).
 */

/**
 * Integers (token counts, epoch ms) as little-endian INT64, written as two 32-bit words
 * without a BigInt per value. Throws on a value that is not an integer in int64 range.
 */
export function plainInt64FromNumbers(
  values: Float64Array,
  nulls: Uint8Array | undefined,
  rows: number,
  out: ScratchBuffer,
  bits: Uint8Array,
): Plain<number> {
  out.ensure(rows * 8);
  const range = [Infinity, -Infinity];
  const w = nulls === undefined ? int64WordsAll(values, rows, out.words, range) : int64Words(values, nulls, rows, out.words, bits);
  if (w < 0)
    throw new RangeError(`expected integers, got ${firstBad(values, nulls, rows, (v) => Number.isInteger(v) && Math.abs(v) < 2 ** 63)}`);
  if (nulls !== undefined) {
    const [minHi, minLo, maxHi, maxLo] = int64Range(out.words, w >>> 1);
    range[0] = minHi * TWO_32 + minLo;
    range[1] = maxHi * TWO_32 + maxLo;
  }
  return { length: w * 4, nullCount: rows - (w >>> 1), min: range[0], max: range[1] };
}

/** Every value as a word pair, min/max into `range`; returns the word count, -1 on a value that is not an int64 integer. */
function int64WordsAll(values: Float64Array, rows: number, words: Int32Array, range: number[]): number {
  let bad = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < rows; i++) {
    const v = values[i]!;
    bad |= setInt64(words, 2 * i, v);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  range[0] = min;
  range[1] = max;
  return bad ? -1 : 2 * rows;
}

/** The present values as word pairs, levels into `bits`; returns the word count, -1 on a value that is not an int64 integer. */
function int64Words(values: Float64Array, nulls: Uint8Array, rows: number, words: Int32Array, bits: Uint8Array): number {
  let bad = 0;
  let w = 0;
  for (let i = 0; i < rows; i += 8) {
    const end = Math.min(rows, i + 8);
    let b = 0;
    for (let k = i; k < end; k++) {
      const present = (nulls[k]! - 1) >>> 31;
      bad |= present & setInt64(words, w, values[k]!);
      w += present << 1;
      b |= present << (k & 7);
    }
    bits[i >>> 3] = b;
  }
  return bad ? -1 : w;
}

/** Writes `v` as the little-endian word pair at `w`; returns 1 when it is not an integer in int64 range. */
function setInt64(words: Int32Array, w: number, v: number): number {
  const small = v | 0;
  if (small === v) {
    words[w] = small;
    words[w + 1] = small >> 31;
    return 0;
  }
  const hi = Math.floor(v / TWO_32);
  const lo = v - hi * TWO_32;
  words[w] = lo;
  words[w + 1] = hi;
  return +(lo !== lo >>> 0 || hi !== (hi | 0));
}

/** 32-bit integers (HTTP status codes) as little-endian INT32. */
export function plainInt32FromNumbers(
  values: Float64Array,
  nulls: Uint8Array | undefined,
  rows: number,
  out: ScratchBuffer,
  bits: Uint8Array,
): Plain<number> {
  out.ensure(rows * 4);
  const w = int32Words(values, nulls, rows, out.words, bits);
  if (w < 0) throw new RangeError(`expected 32-bit integers, got ${firstBad(values, nulls, rows, (v) => (v | 0) === v)}`);
  const words = out.words;
  let min = words[0]!;
  let max = min;
  for (let k = 1; k < w; k++) {
    const v = words[k]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { length: w * 4, nullCount: rows - w, min, max };
}

/** The present values as int32 words, levels into `bits`; returns the word count, -1 on a value that is not an int32. */
function int32Words(values: Float64Array, nulls: Uint8Array | undefined, rows: number, words: Int32Array, bits: Uint8Array): number {
  let bad = 0;
  let w = 0;
  for (let i = 0; i < rows; i += 8) {
    const end = Math.min(rows, i + 8);
    let b = 0;
    for (let k = i; k < end; k++) {
      const present = nulls === undefined ? 1 : (nulls[k]! - 1) >>> 31;
      const v = values[k]!;
      bad |= present & +((v | 0) !== v);
      words[w] = v;
      w += present;
      b |= present << (k & 7);
    }
    bits[i >>> 3] = b;
  }
  return bad ? -1 : w;
}

function firstBad(values: Float64Array, nulls: Uint8Array | undefined, rows: number, ok: (v: number) => boolean): string {
  for (let i = 0; i < rows; i++) if ((nulls === undefined || nulls[i] === 0) && !ok(values[i]!)) return `${values[i]} at row ${i}`;
  return "a value out of range";
}

/** The null count, and the packed definition levels when there are nulls. */
function levels(nulls: Uint8Array | undefined, rows: number, bits: Uint8Array): number {
  return nulls === undefined ? 0 : packNulls(nulls, rows, bits);
}

/**
 * Min and max of `pairs` little-endian int64 as [minHi, minLo, maxHi, maxLo] (high words
 * signed, low words unsigned). Low words are compared with their sign bit flipped, which
 * orders them as unsigned while every variable stays an int32 (uint32 values would make V8
 * fall back to doubles, several times slower here).
 */
function int64Range(words: Int32Array, pairs: number): [number, number, number, number] {
  let minHi = 0x7fffffff;
  let minLo = 0x7fffffff;
  let maxHi = -0x80000000;
  let maxLo = -0x80000000;
  for (let k = 0; k < 2 * pairs; k += 2) {
    const lo = words[k]! ^ -0x80000000;
    const hi = words[k + 1]!;
    if (hi < minHi || (hi === minHi && lo < minLo)) {
      minHi = hi;
      minLo = lo;
    }
    if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
      maxHi = hi;
      maxLo = lo;
    }
  }
  return [minHi, (minLo ^ -0x80000000) >>> 0, maxHi, (maxLo ^ -0x80000000) >>> 0];
}

/** int64 values (nano-USD) as little-endian INT64: one memory copy without nulls, else word pairs. */
export function plainInt64FromBigInts(
  values: BigInt64Array,
  nulls: Uint8Array | undefined,
  rows: number,
  out: ScratchBuffer,
  bits: Uint8Array,
): Plain<bigint> {
  const bytes = out.ensure(rows * 8);
  let w = 2 * rows;
  if (nulls === undefined) bytes.set(new Uint8Array(values.buffer, values.byteOffset, rows * 8));
  else w = copyPresentPairs(new Int32Array(values.buffer, values.byteOffset, rows * 2), nulls, rows, out.words, bits);
  const [minHi, minLo, maxHi, maxLo] = int64Range(out.words, w >>> 1);
  const min = (BigInt(minHi) << 32n) | BigInt(minLo);
  const max = (BigInt(maxHi) << 32n) | BigInt(maxLo);
  return { length: w * 4, nullCount: rows - (w >>> 1), min, max };
}

/** The word pairs of the present rows, levels into `bits`; returns the word count. Unrolled by groups of 8 rows (a level byte). */
function copyPresentPairs(source: Int32Array, nulls: Uint8Array, rows: number, words: Int32Array, bits: Uint8Array): number {
  let w = 0;
  let p: number;
  const full = rows & ~7;
  for (let i = 0, s = 0; i < full; i += 8, s += 16) {
    let b = 0;
    p = (nulls[i]! - 1) >>> 31;
    words[w] = source[s]!;
    words[w + 1] = source[s + 1]!;
    w += p << 1;
    b |= p;
    p = (nulls[i + 1]! - 1) >>> 31;
    words[w] = source[s + 2]!;
    words[w + 1] = source[s + 3]!;
    w += p << 1;
    b |= p << 1;
    p = (nulls[i + 2]! - 1) >>> 31;
    words[w] = source[s + 4]!;
    words[w + 1] = source[s + 5]!;
    w += p << 1;
    b |= p << 2;
    p = (nulls[i + 3]! - 1) >>> 31;
    words[w] = source[s + 6]!;
    words[w + 1] = source[s + 7]!;
    w += p << 1;
    b |= p << 3;
    p = (nulls[i + 4]! - 1) >>> 31;
    words[w] = source[s + 8]!;
    words[w + 1] = source[s + 9]!;
    w += p << 1;
    b |= p << 4;
    p = (nulls[i + 5]! - 1) >>> 31;
    words[w] = source[s + 10]!;
    words[w + 1] = source[s + 11]!;
    w += p << 1;
    b |= p << 5;
    p = (nulls[i + 6]! - 1) >>> 31;
    words[w] = source[s + 12]!;
    words[w + 1] = source[s + 13]!;
    w += p << 1;
    b |= p << 6;
    p = (nulls[i + 7]! - 1) >>> 31;
    words[w] = source[s + 14]!;
    words[w + 1] = source[s + 15]!;
    w += p << 1;
    b |= p << 7;
    bits[i >>> 3] = b;
  }
  if (full < rows) {
    let b = 0;
    for (let i = full; i < rows; i++) {
      p = (nulls[i]! - 1) >>> 31;
      words[w] = source[2 * i]!;
      words[w + 1] = source[2 * i + 1]!;
      w += p << 1;
      b |= p << (i & 7);
    }
    bits[full >>> 3] = b;
  }
  return w;
}

/** int64 values as 16-byte big-endian two's complement (FIXED_LEN_BYTE_ARRAY DECIMAL(38,9)). */
export function plainFixed16FromBigInts(
  values: BigInt64Array,
  nulls: Uint8Array | undefined,
  rows: number,
  out: ScratchBuffer,
  bits: Uint8Array,
): Plain<bigint> {
  const bytes = out.ensure(rows * 16);
  let o = 0;
  let min = 0n;
  let max = 0n;
  for (let i = 0; i < rows; i++) {
    if (nulls !== undefined && nulls[i] !== 0) continue;
    const v = values[i]!;
    bytes.writeBigInt64BE(v < 0n ? -1n : 0n, o);
    bytes.writeBigInt64BE(v, o + 8);
    if (o === 0 || v < min) min = v;
    if (o === 0 || v > max) max = v;
    o += 16;
  }
  return { length: o, nullCount: levels(nulls, rows, bits), min, max };
}

/** Booleans (0/1) bit-packed, first value in the lowest bit; min/max are false/true seen. */
export function plainBooleans(
  values: Uint8Array,
  nulls: Uint8Array | undefined,
  rows: number,
  out: ScratchBuffer,
  bits: Uint8Array,
): Plain<boolean> {
  const bytes = out.ensure((rows + 7) >>> 3);
  let count = 0;
  let acc = 0;
  let trues = 0;
  for (let i = 0; i < rows; i++) {
    if (nulls !== undefined && nulls[i] !== 0) continue;
    const bit = values[i] === 0 ? 0 : 1;
    trues += bit;
    acc |= bit << (count & 7);
    if ((++count & 7) === 0) {
      bytes[(count >>> 3) - 1] = acc;
      acc = 0;
    }
  }
  if (count & 7) bytes[count >>> 3] = acc;
  return { length: (count + 7) >>> 3, nullCount: levels(nulls, rows, bits), min: trues === count, max: trues > 0 };
}

/**
 * Strings as BYTE_ARRAY: a 4-byte little-endian length, then the UTF-8 bytes; null (or
 * undefined) entries are skipped. One native `Buffer.write` per string (joining batches
 * of ASCII strings into one write measured no faster).
 */
export function plainStrings(values: ReadonlyArray<string | null | undefined>, rows: number, out: ScratchBuffer, bits: Uint8Array): Plain {
  let bytes = out.bytes;
  let o = 0;
  let nullCount = 0;
  let b = 0;
  for (let i = 0; i < rows; i++) {
    const s = values[i];
    if (s === null || s === undefined) {
      nullCount++;
    } else {
      if (o + 4 + s.length * 3 > bytes.length) bytes = out.ensure(o + 4 + s.length * 3, o);
      const n = bytes.write(s, o + 4);
      bytes[o] = n;
      bytes[o + 1] = n >>> 8;
      bytes[o + 2] = n >>> 16;
      bytes[o + 3] = n >>> 24;
      o += 4 + n;
      b |= 1 << (i & 7);
    }
    if ((i & 7) === 7) {
      bits[i >>> 3] = b;
      b = 0;
    }
  }
  if (rows & 7) bits[rows >>> 3] = b;
  return { length: o, nullCount };
}
