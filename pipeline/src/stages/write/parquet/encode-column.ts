import type { Encoding, MinMaxType } from "./footer-types.ts";
import type { ColumnKind } from "../to-parquet.ts";
import { encodeDefinitionLevels, encodeDictionaryIndices } from "./encode-rle.ts";
import {
  plainBooleans,
  plainFixed16FromBigInts,
  plainInt32FromNumbers,
  plainInt64FromBigInts,
  plainInt64FromNumbers,
  plainStrings,
  type Plain,
} from "./encode-plain.ts";
import { ScratchBuffer } from "./scratch-buffer.ts";

/** One column of a row group, as `ParquetFileWriter.writeRowGroup` takes it. */
export type ColumnData =
  | { type: "dict"; codes: Int32Array; dictionary: string[] }
  | { type: "text"; values: (string | null)[] }
  | { type: "number"; values: Float64Array; nulls?: Uint8Array }
  | { type: "bigint"; values: BigInt64Array; nulls?: Uint8Array }
  | { type: "bool"; values: Uint8Array; nulls?: Uint8Array };

/** A column chunk's pages before compression: views into the scratch buffers, valid until the next column. */
export interface EncodedColumn {
  /** PLAIN dictionary page data and its entry count, for RLE_DICTIONARY columns. */
  dictionary?: { data: Uint8Array; count: number };
  encoding: Encoding;
  /** Definition levels, RLE/bit-packed hybrid (bit width 1). */
  levels: Uint8Array;
  values: Uint8Array;
  nullCount: number;
  /** Present when the chunk has a non-null value (min/max are left out for `text` columns). */
  min?: MinMaxType;
  max?: MinMaxType;
}

/** The data types each supported column kind accepts. */
export const ACCEPTS: Partial<Record<ColumnKind, ReadonlyArray<ColumnData["type"]>>> = {
  string: ["dict", "text"],
  json: ["dict", "text"],
  int64: ["number", "bigint"],
  timestamp: ["number", "bigint"],
  int32: ["number"],
  boolean: ["bool"],
  money: ["bigint"],
  money_total: ["bigint"],
};

/** The largest dictionary the index encoder packs (bit width 24). */
const MAX_DICTIONARY = 1 << 24;

/** Encodes the first `rows` rows of one column; the result is valid until the scratch is reused. */
export class ColumnEncoder {
  private readonly values = new ScratchBuffer();
  private readonly dictionary = new ScratchBuffer();
  private readonly levels = new ScratchBuffer();
  private readonly bits = new ScratchBuffer();
  private readonly codes = new ScratchBuffer();

  encode(name: string, kind: ColumnKind, data: ColumnData, rows: number): EncodedColumn {
    const accepted = ACCEPTS[kind] ?? [];
    if (!accepted.includes(data?.type)) {
      throw new TypeError(`column ${name} (${kind}): expected data of type ${accepted.join(" or ")}, got ${data?.type}`);
    }
    const length = data.type === "dict" ? data.codes.length : data.values.length;
    if (length < rows || ("nulls" in data && data.nulls !== undefined && data.nulls.length < rows)) {
      throw new RangeError(`column ${name}: ${length} values for a row group of ${rows} rows`);
    }
    const bits = this.bits.ensure((rows + 7) >>> 3);
    if (data.type === "dict") return this.encodeDict(name, data.codes, data.dictionary, rows, bits);
    let plain: Plain<MinMaxType>;
    if (data.type === "text") plain = plainStrings(data.values, rows, this.values, bits);
    else if (data.type === "bool") plain = plainBooleans(data.values, data.nulls, rows, this.values, bits);
    else if (data.type === "bigint" && kind === "money_total") plain = plainFixed16FromBigInts(data.values, data.nulls, rows, this.values, bits);
    else if (data.type === "bigint") plain = plainInt64FromBigInts(data.values, data.nulls, rows, this.values, bits);
    else if (kind === "int32") plain = plainInt32FromNumbers(data.values, data.nulls, rows, this.values, bits);
    else plain = plainInt64FromNumbers(data.values, data.nulls, rows, this.values, bits);
    return this.finish(rows, "PLAIN", plain);
  }

  private encodeDict(name: string, codes: Int32Array, dictionary: string[], rows: number, bits: Uint8Array): EncodedColumn {
    const size = dictionary.length;
    if (size > MAX_DICTIONARY) throw new RangeError(`column ${name}: a dictionary of ${size} entries is over the ${MAX_DICTIONARY} supported`);
    this.codes.ensure((rows + 8) * 4);
    const compact = this.codes.words;
    const last = size - 1;
    let count = 0;
    let check = 0; // turns negative on a code outside -1..last
    // Branch-free: every code is stored, and the count only moves past the present ones.
    for (let i = 0; i < rows; i += 8) {
      const end = Math.min(rows, i + 8);
      let b = 0;
      for (let k = i; k < end; k++) {
        const code = codes[k]!;
        const present = (code >>> 31) ^ 1;
        compact[count] = code;
        count += present;
        b |= present << (k & 7);
        check |= (((last - code) | code) & -present) | (code + 1);
      }
      bits[i >>> 3] = b;
    }
    if (check < 0) throw new RangeError(`column ${name}: a dictionary code outside -1..${last}`);
    if (count === 0) return this.finish(rows, "PLAIN", { length: 0, nullCount: rows });
    // Every entry goes into the dictionary page (codes need no remapping); min/max are over those used.
    const entries = plainStrings(dictionary, size, this.dictionary, new Uint8Array((size + 7) >>> 3));
    if (entries.nullCount > 0) throw new TypeError(`column ${name}: the dictionary has null entries`);
    const used = new Uint8Array(size);
    for (let k = 0; k < count; k++) used[compact[k]!] = 1;
    let min: string | undefined;
    let max: string | undefined;
    for (let code = 0; code < size; code++) {
      if (used[code] === 0) continue;
      const entry = wellFormed(dictionary[code]!);
      if (min === undefined || compareCodePoints(entry, min) < 0) min = entry;
      if (max === undefined || compareCodePoints(entry, max) > 0) max = entry;
    }
    const bitWidth = Math.max(1, 32 - Math.clz32(size - 1));
    const length = encodeDictionaryIndices(compact, count, bitWidth, this.values);
    const encoded = this.finish(rows, "RLE_DICTIONARY", { length, nullCount: rows - count, min: min!, max: max! });
    encoded.dictionary = { data: this.dictionary.bytes.subarray(0, entries.length), count: size };
    return encoded;
  }

  private finish(rows: number, encoding: Encoding, plain: Plain<MinMaxType>): EncodedColumn {
    const { nullCount } = plain;
    const levelsLength = encodeDefinitionLevels(this.bits.bytes, rows, nullCount, this.levels);
    const encoded: EncodedColumn = {
      encoding,
      levels: this.levels.bytes.subarray(0, levelsLength),
      values: this.values.bytes.subarray(0, plain.length),
      nullCount,
    };
    if (plain.min !== undefined && plain.max !== undefined && nullCount < rows) {
      encoded.min = plain.min;
      encoded.max = plain.max;
    }
    return encoded;
  }
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
