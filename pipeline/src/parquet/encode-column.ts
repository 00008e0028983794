import type { ColumnKind } from "./write-parquet.ts";
import { compactCodes, usedRange } from "./encode-dictionary.ts";
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
import type { Encoding, MinMaxType } from "./footer-types.ts";
import { ScratchBuffer } from "./scratch-buffer.ts";

/** One column of a row group, as `ParquetFileWriter.writeRowGroup` takes it. */
export type ColumnData =
  | { type: "dict"; codes: Int32Array; dictionary: string[] }
  | { type: "text"; values: (string | null)[] }
  /** Text already PLAIN-encoded (4-byte little-endian length, UTF-8 bytes) for each non-null row; row r's entry is data[offsets[r], offsets[r + 1]). */
  | { type: "bytes"; data: Uint8Array; offsets: Int32Array; nulls?: Uint8Array }
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
  string: ["dict", "text", "bytes"],
  json: ["dict", "text", "bytes"],
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
    const length = data.type === "dict" ? data.codes.length : data.type === "bytes" ? data.offsets.length - 1 : data.values.length;
    if (length < rows || ("nulls" in data && data.nulls !== undefined && data.nulls.length < rows)) {
      throw new RangeError(`column ${name}: ${length} values for a row group of ${rows} rows`);
    }
    const bits = this.bits.ensure((rows + 7) >>> 3);
    if (data.type === "dict") return this.encodeDict(name, data.codes, data.dictionary, rows, bits);
    let plain: Plain<MinMaxType>;
    if (data.type === "bytes") return this.encodeBytes(data, rows, bits);
    if (data.type === "text") plain = plainStrings(data.values, rows, this.values, bits);
    else if (data.type === "bool") plain = plainBooleans(data.values, data.nulls, rows, this.values, bits);
    else if (data.type === "bigint" && kind === "money_total")
      plain = plainFixed16FromBigInts(data.values, data.nulls, rows, this.values, bits);
    else if (data.type === "bigint") plain = plainInt64FromBigInts(data.values, data.nulls, rows, this.values, bits);
    else if (kind === "int32") plain = plainInt32FromNumbers(data.values, data.nulls, rows, this.values, bits);
    else plain = plainInt64FromNumbers(data.values, data.nulls, rows, this.values, bits);
    return this.finish(rows, "PLAIN", plain);
  }

  /** Pre-encoded text: the page body is the entries as they are; only the levels are computed. */
  private encodeBytes(data: { data: Uint8Array; offsets: Int32Array; nulls?: Uint8Array }, rows: number, bits: Uint8Array): EncodedColumn {
    let nullCount = 0;
    bits.fill(0);
    for (let i = 0; i < rows; i++) {
      if (data.nulls && data.nulls[i]) nullCount++;
      else bits[i >>> 3]! |= 1 << (i & 7);
    }
    const encoded = this.finish(rows, "PLAIN", { length: 0, nullCount });
    encoded.values = data.data.subarray(data.offsets[0], data.offsets[rows]);
    return encoded;
  }

  private encodeDict(name: string, codes: Int32Array, dictionary: string[], rows: number, bits: Uint8Array): EncodedColumn {
    const size = dictionary.length;
    if (size > MAX_DICTIONARY)
      throw new RangeError(`column ${name}: a dictionary of ${size} entries is over the ${MAX_DICTIONARY} supported`);
    this.codes.ensure((rows + 8) * 4);
    const compact = this.codes.words;
    const used = new Uint8Array(size + 1); // used[code + 1]: used[0] stands for null
    const count = compactCodes(codes, rows, size, compact, bits, used);
    if (count < 0) throw new RangeError(`column ${name}: a dictionary code outside -1..${size - 1}`);
    if (count === 0) return this.finish(rows, "PLAIN", { length: 0, nullCount: rows });
    // Every entry goes into the dictionary page (codes need no remapping); min/max are over those used.
    const entries = plainStrings(dictionary, size, this.dictionary, new Uint8Array((size + 7) >>> 3));
    if (entries.nullCount > 0) throw new TypeError(`column ${name}: the dictionary has null entries`);
    const { min, max } = usedRange(dictionary, used);
    const bitWidth = Math.max(1, 32 - Math.clz32(size - 1));
    const length = encodeDictionaryIndices(compact, count, bitWidth, this.values);
    const encoded = this.finish(rows, "RLE_DICTIONARY", { length, nullCount: rows - count, min, max });
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
