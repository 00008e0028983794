/**
 * Dictionary-coded columns: the codes of the present rows, and the statistics of the
 * dictionary entries a row group uses.
 */

/**
 * Copies the non-null codes (-1 = null) of `rows` rows to `compact`, packs the definition
 * levels into `bits` and marks `used[code + 1]`; returns the count, or -1 when a code is
 * outside -1..size-1. Branch-free and unrolled by groups of 8 rows (a level byte): every
 * code is stored and the count only moves past the present ones.
 */
export function compactCodes(
  codes: Int32Array,
  rows: number,
  size: number,
  compact: Int32Array,
  bits: Uint8Array,
  used: Uint8Array,
): number {
  const last = size - 1;
  let count = 0;
  let check = 0; // turns negative on a code outside -1..last
  let c: number;
  let p: number;
  const full = rows & ~7;
  for (let i = 0; i < full; i += 8) {
    let b = 0;
    c = codes[i]!;
    p = (c >>> 31) ^ 1;
    compact[count] = c;
    count += p;
    b |= p;
    check |= (((last - c) | c) & -p) | (c + 1);
    used[c + 1] = 1;
    c = codes[i + 1]!;
    p = (c >>> 31) ^ 1;
    compact[count] = c;
    count += p;
    b |= p << 1;
    check |= (((last - c) | c) & -p) | (c + 1);
    used[c + 1] = 1;
    c = codes[i + 2]!;
    p = (c >>> 31) ^ 1;
    compact[count] = c;
    count += p;
    b |= p << 2;
    check |= (((last - c) | c) & -p) | (c + 1);
    used[c + 1] = 1;
    c = codes[i + 3]!;
    p = (c >>> 31) ^ 1;
    compact[count] = c;
    count += p;
    b |= p << 3;
    check |= (((last - c) | c) & -p) | (c + 1);
    used[c + 1] = 1;
    c = codes[i + 4]!;
    p = (c >>> 31) ^ 1;
    compact[count] = c;
    count += p;
    b |= p << 4;
    check |= (((last - c) | c) & -p) | (c + 1);
    used[c + 1] = 1;
    c = codes[i + 5]!;
    p = (c >>> 31) ^ 1;
    compact[count] = c;
    count += p;
    b |= p << 5;
    check |= (((last - c) | c) & -p) | (c + 1);
    used[c + 1] = 1;
    c = codes[i + 6]!;
    p = (c >>> 31) ^ 1;
    compact[count] = c;
    count += p;
    b |= p << 6;
    check |= (((last - c) | c) & -p) | (c + 1);
    used[c + 1] = 1;
    c = codes[i + 7]!;
    p = (c >>> 31) ^ 1;
    compact[count] = c;
    count += p;
    b |= p << 7;
    check |= (((last - c) | c) & -p) | (c + 1);
    used[c + 1] = 1;
    bits[i >>> 3] = b;
  }
  if (full < rows) {
    let b = 0;
    for (let i = full; i < rows; i++) {
      c = codes[i]!;
      p = (c >>> 31) ^ 1;
      compact[count] = c;
      count += p;
      b |= p << (i & 7);
      check |= (((last - c) | c) & -p) | (c + 1);
      used[c + 1] = 1;
    }
    bits[full >>> 3] = b;
  }
  return check < 0 ? -1 : count;
}

/** The string as written (lone surrogates become U+FFFD, as in the UTF-8 encoding). */
function wellFormed(s: string): string {
  return /[\uD800-\uDFFF]/.test(s) ? Buffer.from(s).toString() : s;
}

/**
 * Orders well-formed strings by code point, which is the order of their UTF-8 bytes (the
 * order of Parquet statistics); UTF-16 code units differ from it only where surrogates meet
 * U+E000..U+FFFF.
 */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** The least and greatest used entries (`used[code + 1]` set), in the order of Parquet statistics. */
export function usedRange(dictionary: string[], used: Uint8Array): { min: string; max: string } {
  let min: string | undefined;
  let max: string | undefined;
  for (let code = 0; code < dictionary.length; code++) {
    if (used[code + 1] === 0) continue;
    const entry = wellFormed(dictionary[code]!);
    if (min === undefined || compareCodePoints(entry, min) < 0) min = entry;
    if (max === undefined || compareCodePoints(entry, max) > 0) max = entry;
  }
  return { min: min ?? "", max: max ?? "" };
}
