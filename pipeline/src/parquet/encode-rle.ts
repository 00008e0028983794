import type { ScratchBuffer } from "./scratch-buffer.ts";

/**
 * Parquet's RLE / bit-packed hybrid encoding: runs of one repeated value are stored as
 * (count, value), everything else as groups of 8 values packed `bitWidth` bits each,
 * least significant bit first. Used for definition levels (bit width 1) and dictionary
 * indices (bit width from the dictionary size).
 */

/** Runs shorter than this many groups of 8 definition levels stay bit-packed (a run costs 2-4 bytes, and each switch a header). */
const MIN_LEVEL_RUN_GROUPS = 8;
/** Runs shorter than this many dictionary indices stay bit-packed. */
const MIN_INDEX_RUN = 8;

/**
 * Packs the definition levels of `rows` rows into `bits` (bit k of byte g for row 8g + k:
 * 1 = present, 0 = null), from `nulls` (non-zero = null). Returns the number of nulls.
 */
export function packNulls(nulls: Uint8Array, rows: number, bits: Uint8Array): number {
  let present = 0;
  const full = rows >>> 3;
  for (let g = 0, i = 0; g < full; g++, i += 8) {
    const b =
      ((nulls[i]! - 1) >>> 31) |
      (((nulls[i + 1]! - 1) >>> 31) << 1) |
      (((nulls[i + 2]! - 1) >>> 31) << 2) |
      (((nulls[i + 3]! - 1) >>> 31) << 3) |
      (((nulls[i + 4]! - 1) >>> 31) << 4) |
      (((nulls[i + 5]! - 1) >>> 31) << 5) |
      (((nulls[i + 6]! - 1) >>> 31) << 6) |
      (((nulls[i + 7]! - 1) >>> 31) << 7);
    bits[g] = b;
    present += POPCOUNT[b]!;
  }
  if (full * 8 < rows) {
    let b = 0;
    for (let i = full * 8, k = 0; i < rows; i++, k++) b |= ((nulls[i]! - 1) >>> 31) << k;
    bits[full] = b;
    present += POPCOUNT[b]!;
  }
  return rows - present;
}

export const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let v = b; v; v >>= 1) n += v & 1;
  return n;
});

/**
 * Definition levels of an OPTIONAL column, RLE/bit-packed with bit width 1, into `out` at
 * 0, from the levels packed 8 to a byte (see `packNulls`; ignored when the column has no
 * nulls or only nulls: a single run of 2 or 3 bytes). Returns the byte length.
 */
export function encodeDefinitionLevels(bits: Uint8Array, rows: number, nullCount: number, out: ScratchBuffer): number {
  const groups = (rows + 7) >>> 3;
  const bytes = out.ensure(32 + 2 * groups);
  if (nullCount === 0 || nullCount === rows) {
    const o = writeVarint(bytes, 0, rows * 2);
    bytes[o] = nullCount === 0 ? 1 : 0;
    return o + 1;
  }
  // Long stretches of whole bytes 0x00 / 0xff become RLE runs; the rest stays bit-packed.
  const full = rows >>> 3;
  let o = 0;
  let pending = 0;
  let g = 0;
  while (g < full) {
    const b = bits[g]!;
    if (b !== 0 && b !== 0xff) {
      g++;
      continue;
    }
    let end = g + 1;
    while (end < full && bits[end] === b) end++;
    if (end - g >= MIN_LEVEL_RUN_GROUPS) {
      o = flushPackedLevels(bytes, o, bits, pending, g);
      o = writeVarint(bytes, o, (end - g) * 16);
      bytes[o++] = b & 1;
      pending = end;
    }
    g = end;
  }
  return flushPackedLevels(bytes, o, bits, pending, groups);
}

function flushPackedLevels(bytes: Uint8Array, o: number, bits: Uint8Array, from: number, to: number): number {
  if (to <= from) return o;
  o = writeVarint(bytes, o, ((to - from) << 1) | 1);
  // Mostly short stretches between runs: a loop beats creating a subarray view for `set`.
  if (to - from < 256) {
    for (let g = from; g < to; g++) bytes[o++] = bits[g]!;
    return o;
  }
  bytes.set(bits.subarray(from, to), o);
  return o + to - from;
}

/**
 * `count` dictionary indices (`values[0..count)`, each < 2^bitWidth, bitWidth ≤ 24;
 * `values` must hold 8 more entries, which are overwritten) as the data of an
 * RLE_DICTIONARY page: one byte of bit width, then the hybrid runs. Writes into `out`
 * from 0; returns the byte length.
 */
export function encodeDictionaryIndices(values: Int32Array, count: number, bitWidth: number, out: ScratchBuffer): number {
  const bytes = out.ensure(16 + count * 4);
  values.fill(0, count, count + 8); // pads the last bit-packed group
  bytes[0] = bitWidth;
  let o = 1;
  let pending = 0;
  let i = 0;
  while (i < count) {
    const v = values[i]!;
    if (values[i + 1] !== v) {
      i += 8;
      continue;
    }
    let end = i + 2;
    while (end < count && values[end] === v) end++;
    if (end - i >= MIN_INDEX_RUN) {
      o = flushPackedIndices(bytes, o, values, pending, i, bitWidth);
      o = writeVarint(bytes, o, (end - i) * 2);
      for (let shift = 0; shift < bitWidth; shift += 8) bytes[o++] = (v >>> shift) & 0xff;
      i = pending = end;
    } else {
      i += 8;
    }
  }
  return flushPackedIndices(bytes, o, values, pending, Math.min(i, count), bitWidth);
}

/** Bit-packs values[from..to) in groups of 8 (the last one padded with the zeros past the end). */
function flushPackedIndices(bytes: Uint8Array, o: number, values: Int32Array, from: number, to: number, bitWidth: number): number {
  if (to <= from) return o;
  const groups = (to - from + 7) >>> 3;
  o = writeVarint(bytes, o, (groups << 1) | 1);
  const end = from + groups * 8;
  if (bitWidth <= 8) return packGroupsNarrow(bytes, o, values, from, end, bitWidth);
  let acc = 0;
  let used = 0;
  for (let i = from; i < end; i++) {
    acc |= values[i]! << used;
    used += bitWidth;
    while (used >= 8) {
      bytes[o++] = acc;
      acc >>>= 8;
      used -= 8;
    }
  }
  return o;
}

/** Bit-packs groups of 8 values of at most 8 bits, half a group (≤ 32 bits) at a time. */
function packGroupsNarrow(bytes: Uint8Array, o: number, values: Int32Array, from: number, end: number, w: number): number {
  const half = 4 * w;
  for (let i = from; i < end; i += 8) {
    let acc = values[i]! | (values[i + 1]! << w) | (values[i + 2]! << (2 * w)) | (values[i + 3]! << (3 * w));
    let pending = half;
    for (; pending >= 8; pending -= 8) {
      bytes[o++] = acc;
      acc >>>= 8;
    }
    acc |= (values[i + 4]! | (values[i + 5]! << w) | (values[i + 6]! << (2 * w)) | (values[i + 7]! << (3 * w))) << pending;
    for (pending += half; pending >= 8; pending -= 8) {
      bytes[o++] = acc;
      acc >>>= 8;
    }
  }
  return o;
}

/** Unsigned LEB128 varint of `value` (< 2^32) at `o`; returns the next offset. */
export function writeVarint(bytes: Uint8Array, o: number, value: number): number {
  while (value >= 0x80) {
    bytes[o++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  bytes[o++] = value;
  return o;
}
