import { readRleBitPackedHybrid } from "hyparquet/src/encoding.js";
import { readPlain } from "hyparquet/src/plain.js";
import { describe, expect, it } from "vitest";
import { ColumnEncoder, type ColumnData, type EncodedColumn } from "./encode-column.ts";
import type { ColumnKind } from "./write-parquet.ts";

const encoder = new ColumnEncoder();

/** The parts of an encoded column chunk as plain arrays (they are views into scratch buffers, reused by the next call). */
function encode(kind: ColumnKind, data: ColumnData, rows: number) {
  const e: EncodedColumn = encoder.encode("col", kind, data, rows);
  return {
    encoding: e.encoding,
    levels: Array.from(e.levels),
    values: Array.from(e.values),
    nullCount: e.nullCount,
    min: e.min,
    max: e.max,
    dictionary: e.dictionary && { data: Array.from(e.dictionary.data), count: e.dictionary.count },
  };
}

/** Each row's value as a reader sees the chunk: definition levels, then the values of the present rows (dictionary entries for RLE_DICTIONARY). */
function readBack(kind: ColumnKind, data: ColumnData, rows: number): unknown[] {
  const e = encode(kind, data, rows);
  const view = (bytes: number[]) => ({ view: new DataView(Uint8Array.from(bytes).buffer), offset: 0 });
  const levels = new Array<number>(rows);
  readRleBitPackedHybrid(view(e.levels), 1, levels, e.levels.length);
  const present = rows - e.nullCount;
  let values: unknown[];
  if (e.encoding === "RLE_DICTIONARY") {
    const entries = readPlain(view(e.dictionary!.data), "BYTE_ARRAY", e.dictionary!.count, undefined) as Uint8Array[];
    const codes = new Array<number>(present);
    readRleBitPackedHybrid({ ...view(e.values), offset: 1 }, e.values[0]!, codes, e.values.length - 1);
    values = codes.map((c) => Buffer.from(entries[c]!).toString("utf8"));
  } else {
    const type =
      kind === "int32" ? "INT32" : kind === "boolean" ? "BOOLEAN" : kind === "string" || kind === "json" ? "BYTE_ARRAY" : "INT64";
    values = Array.from(readPlain(view(e.values), type, present, undefined) as ArrayLike<unknown>, (v) =>
      v instanceof Uint8Array ? Buffer.from(v).toString("utf8") : v,
    );
  }
  let next = 0;
  return levels.map((level) => (level === 1 ? values[next++] : null));
}

describe("ColumnEncoder", () => {
  it("encodes a dictionary column as RLE_DICTIONARY: every entry in the PLAIN dictionary page, indices at the narrowest bit width", () => {
    const data: ColumnData = { type: "dict", codes: Int32Array.of(1, -1, 1, 0), dictionary: ["b", "a"] };
    expect(encode("string", data, 4)).toEqual({
      encoding: "RLE_DICTIONARY",
      levels: [0b11, 0b1101], // one bit-packed group: rows 0, 2 and 3 present
      values: [1, 0b11, 0b011], // bit width 1, then indices 1, 1, 0 in one packed group
      nullCount: 1,
      min: "a",
      max: "b",
      dictionary: { data: [1, 0, 0, 0, 0x62, 1, 0, 0, 0, 0x61], count: 2 },
    });
    expect(readBack("string", data, 4)).toEqual(["a", null, "a", "b"]);
  });

  it("sizes the index bit width to the dictionary and reads back 300 entries", () => {
    const dictionary = Array.from({ length: 300 }, (_, i) => `user-${i}`);
    const codes = Int32Array.from({ length: 1000 }, (_, i) => (i % 13 === 0 ? -1 : (i * 7) % 300));
    const encoded = encode("string", { type: "dict", codes, dictionary }, 1000);
    expect(encoded.values[0]).toBe(9);
    expect([encoded.min, encoded.max]).toEqual(["user-0", "user-99"]);
    expect(readBack("string", { type: "dict", codes, dictionary }, 1000)).toEqual(Array.from(codes, (c) => (c < 0 ? null : dictionary[c])));
  });

  it("writes a column of nulls only as one run of levels, no values, no dictionary and no statistics", () => {
    expect(encode("string", { type: "dict", codes: Int32Array.of(-1, -1, -1), dictionary: ["a"] }, 3)).toEqual({
      encoding: "PLAIN",
      levels: [6, 0],
      values: [],
      nullCount: 3,
      min: undefined,
      max: undefined,
      dictionary: undefined,
    });
    expect(encode("int64", { type: "number", values: Float64Array.of(5, 6), nulls: Uint8Array.of(1, 1) }, 2)).toMatchObject({
      levels: [4, 0],
      values: [],
      min: undefined,
    });
  });

  it("encodes each PLAIN kind of the first `rows` rows, with their statistics", () => {
    const nulls = Uint8Array.of(0, 1, 0, 0, 9);
    expect(readBack("int64", { type: "number", values: Float64Array.of(3, 0, -7, 2 ** 40, 9), nulls }, 4)).toEqual([
      3n,
      null,
      -7n,
      2n ** 40n,
    ]);
    expect(encode("int64", { type: "number", values: Float64Array.of(3, 0, -7, 2 ** 40), nulls }, 4)).toMatchObject({
      encoding: "PLAIN",
      nullCount: 1,
      min: -7,
      max: 2 ** 40,
    });
    expect(readBack("int32", { type: "number", values: Float64Array.of(200, 500, 404) }, 3)).toEqual([200, 500, 404]);
    expect(
      readBack("money", { type: "bigint", values: BigInt64Array.of(1_000_000_001n, 7n, -2n), nulls: Uint8Array.of(0, 1, 0) }, 3),
    ).toEqual([1_000_000_001n, null, -2n]);
    expect(readBack("boolean", { type: "bool", values: Uint8Array.of(1, 0, 1), nulls: Uint8Array.of(0, 0, 1) }, 3)).toEqual([
      true,
      false,
      null,
    ]);
    expect(readBack("string", { type: "text", values: ["é", null, "", "unused"] }, 3)).toEqual(["é", null, ""]);
    // Text columns have no statistics; money totals are 16-byte decimals.
    expect(encode("string", { type: "text", values: ["a", "b"] }, 2)).toMatchObject({ min: undefined, max: undefined });
    expect(encode("money_total", { type: "bigint", values: BigInt64Array.of(-1n) }, 1)).toMatchObject({
      values: Array(16).fill(0xff),
      min: -1n,
      max: -1n,
    });
  });

  it("passes pre-encoded text through as it is, up to `rows`, computing only its levels", () => {
    const entry = (s: string) => [...new Uint8Array(Uint32Array.of(Buffer.byteLength(s)).buffer), ...Buffer.from(s)];
    const bytes = [...entry("ab"), ...entry("€"), ...entry("zzz")];
    const data: ColumnData = {
      type: "bytes",
      data: Uint8Array.from(bytes),
      offsets: Int32Array.of(0, 6, 6, 13, 20),
      nulls: Uint8Array.of(0, 1, 0, 0),
    };
    expect(encode("string", data, 3)).toEqual({
      encoding: "PLAIN",
      levels: [0b11, 0b101],
      values: bytes.slice(0, 13),
      nullCount: 1,
      min: undefined,
      max: undefined,
      dictionary: undefined,
    });
    expect(readBack("string", data, 3)).toEqual(["ab", null, "€"]);
  });

  it("refuses data of the wrong type or too short, and dictionary codes out of range, naming the column", () => {
    expect(() => encoder.encode("cost_usd", "money", { type: "number", values: Float64Array.of(1) }, 1)).toThrow(
      "column cost_usd (money): expected data of type bigint, got number",
    );
    expect(() => encoder.encode("tokens", "int64", { type: "number", values: Float64Array.of(1, 2) }, 3)).toThrow(
      "column tokens: 2 values for a row group of 3 rows",
    );
    expect(() => encoder.encode("tokens", "int64", { type: "number", values: Float64Array.of(1, 2), nulls: Uint8Array.of(0) }, 2)).toThrow(
      RangeError,
    ); // null flags too short
    expect(() => encoder.encode("model", "string", { type: "dict", codes: Int32Array.of(0, 2), dictionary: ["a", "b"] }, 2)).toThrow(
      "column model: a dictionary code outside -1..1",
    );
  });
});
