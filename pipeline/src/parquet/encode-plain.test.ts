import { readPlain } from "hyparquet/src/plain.js";
import { describe, expect, it } from "vitest";
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

type Encoder<V, T> = (values: V, nulls: Uint8Array | undefined, rows: number, out: ScratchBuffer, bits: Uint8Array) => Plain<T>;

/** Runs a PLAIN encoder on all of `values`; the bytes written, the result and the packed levels. */
function encode<V extends { length: number }, T>(encoder: Encoder<V, T>, values: V, nulls?: number[]) {
  const out = new ScratchBuffer(64);
  const bits = new Uint8Array((values.length + 7) >>> 3);
  const result = encoder(values, nulls && Uint8Array.from(nulls), values.length, out, bits);
  return { bytes: Array.from(out.bytes.subarray(0, result.length)), result, bits: Array.from(bits) };
}

/** plainStrings on all of `values` (it takes no null flags: null and undefined are nulls). */
function encodeStrings(values: Array<string | null | undefined>) {
  const out = new ScratchBuffer(64);
  const bits = new Uint8Array((values.length + 7) >>> 3);
  const result = plainStrings(values, values.length, out, bits);
  return { bytes: Array.from(out.bytes.subarray(0, result.length)), result, bits: Array.from(bits) };
}

const le64 = (v: bigint) => Array.from(Buffer.from(BigInt64Array.of(v).buffer));

/** What hyparquet's PLAIN reader makes of `count` values. */
function decode(
  bytes: number[],
  type: "INT32" | "INT64" | "BOOLEAN" | "BYTE_ARRAY" | "FIXED_LEN_BYTE_ARRAY",
  count: number,
  fixedLength?: number,
) {
  return readPlain({ view: new DataView(Uint8Array.from(bytes).buffer), offset: 0 }, type, count, fixedLength);
}

describe("plainInt64FromNumbers", () => {
  it("writes integers as little-endian two's complement INT64, with min and max", () => {
    const { bytes, result } = encode(plainInt64FromNumbers, Float64Array.of(1, -1, 2 ** 53 - 1, -(2 ** 53), 0));
    expect(bytes.slice(0, 16)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(bytes.slice(16, 32)).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0, 0, 0, 0, 0, 0, 0, 0xe0, 0xff]);
    expect(result).toEqual({ length: 40, nullCount: 0, min: -(2 ** 53), max: 2 ** 53 - 1 });
    expect(Array.from(decode(bytes, "INT64", 5) as BigInt64Array)).toEqual([1n, -1n, 2n ** 53n - 1n, -(2n ** 53n), 0n]);
  });

  it("skips null rows, in the values and in min and max, and packs their levels", () => {
    const values = Float64Array.of(2 ** 32, 9e15, 2 ** 32 - 1, -1, 0.5, -(2 ** 32), 7, 7, 3);
    const { bytes, result, bits } = encode(plainInt64FromNumbers, values, [0, 1, 0, 0, 1, 0, 1, 1, 0]);
    expect(Array.from(decode(bytes, "INT64", 5) as BigInt64Array)).toEqual([2n ** 32n, 2n ** 32n - 1n, -1n, -(2n ** 32n), 3n]);
    expect(result).toEqual({ length: 40, nullCount: 4, min: -(2 ** 32), max: 2 ** 32 });
    expect(bits).toEqual([0b0010_1101, 0b1]);
  });

  it("refuses a value that is not an integer in int64 range, naming it and its row", () => {
    expect(() => encode(plainInt64FromNumbers, Float64Array.of(1, 1.5))).toThrow("expected integers, got 1.5 at row 1");
    expect(() => encode(plainInt64FromNumbers, Float64Array.of(0, 0, 2 ** 63), [0, 1, 0])).toThrow(
      "expected integers, got 9223372036854776000 at row 2",
    );
    expect(encode(plainInt64FromNumbers, Float64Array.of(4, Number.NaN), [0, 1]).result.nullCount).toBe(1); // a null row's value is not read
  });
});

describe("plainInt32FromNumbers", () => {
  it("writes little-endian INT32 of the present rows, with min and max", () => {
    const { bytes, result, bits } = encode(plainInt32FromNumbers, Float64Array.of(200, 0, 404, -1), [0, 1, 0, 0]);
    expect(bytes).toEqual([200, 0, 0, 0, 0x94, 0x01, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    expect(result).toEqual({ length: 12, nullCount: 1, min: -1, max: 404 });
    expect(bits).toEqual([0b1101]);
  });

  it("refuses a value outside 32-bit integers", () => {
    expect(() => encode(plainInt32FromNumbers, Float64Array.of(2 ** 31))).toThrow("expected 32-bit integers, got 2147483648 at row 0");
  });
});

describe("plainInt64FromBigInts", () => {
  it("writes nano-USD as little-endian INT64, int64's extremes included", () => {
    const { bytes, result } = encode(plainInt64FromBigInts, BigInt64Array.of(1n, -5n, 2n ** 63n - 1n, -(2n ** 63n)));
    expect(bytes).toEqual([...le64(1n), ...le64(-5n), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0, 0, 0, 0, 0x80]);
    expect(result).toEqual({ length: 32, nullCount: 0, min: -(2n ** 63n), max: 2n ** 63n - 1n });
  });

  it("skips null rows past a group of 8, and compares amounts across the 32-bit halves", () => {
    const values = BigInt64Array.of(10n, 99n, 2n ** 32n, 2n ** 32n - 1n, -1n, -(2n ** 32n), 0n, 99n, 5n, 99n, 7n);
    const { bytes, result, bits } = encode(plainInt64FromBigInts, values, [0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0]);
    expect(Array.from(decode(bytes, "INT64", 8) as BigInt64Array)).toEqual([10n, 2n ** 32n, 2n ** 32n - 1n, -1n, -(2n ** 32n), 0n, 5n, 7n]);
    expect(result).toEqual({ length: 64, nullCount: 3, min: -(2n ** 32n), max: 2n ** 32n });
    expect(bits).toEqual([0b0111_1101, 0b101]);
  });
});

describe("plainFixed16FromBigInts", () => {
  it("writes 16-byte big-endian two's complement (DECIMAL(38,9) totals), skipping nulls", () => {
    const { bytes, result, bits } = encode(plainFixed16FromBigInts, BigInt64Array.of(1n, 8n, -1n, 2n ** 63n - 1n), [0, 1, 0, 0]);
    expect(bytes.slice(0, 16)).toEqual([...Array(15).fill(0), 1]);
    expect(bytes.slice(16, 32)).toEqual(Array(16).fill(0xff));
    expect(bytes.slice(32)).toEqual([...Array(8).fill(0), 0x7f, ...Array(7).fill(0xff)]);
    expect(result).toEqual({ length: 48, nullCount: 1, min: -1n, max: 2n ** 63n - 1n });
    expect(bits).toEqual([0b1101]);
    expect((decode(bytes, "FIXED_LEN_BYTE_ARRAY", 3, 16) as Uint8Array[]).map((b) => Array.from(b))).toEqual([
      bytes.slice(0, 16),
      bytes.slice(16, 32),
      bytes.slice(32),
    ]);
  });
});

describe("plainBooleans", () => {
  it("bit-packs booleans, first value in the lowest bit; min is whether all are true, max whether any is", () => {
    const { bytes, result } = encode(plainBooleans, Uint8Array.of(1, 0, 1, 1, 0, 0, 0, 0, 1));
    expect(bytes).toEqual([0b0000_1101, 0b1]);
    expect(result).toEqual({ length: 2, nullCount: 0, min: false, max: true });
    expect(decode(bytes, "BOOLEAN", 9)).toEqual([true, false, true, true, false, false, false, false, true]);
  });

  it("packs the present values only", () => {
    const { bytes, result, bits } = encode(plainBooleans, Uint8Array.of(1, 0, 1), [0, 1, 0]);
    expect(bytes).toEqual([0b11]);
    expect(result).toEqual({ length: 1, nullCount: 1, min: true, max: true });
    expect(bits).toEqual([0b101]);
  });
});

describe("plainStrings", () => {
  it("writes each present string as a 4-byte little-endian length and its UTF-8 bytes", () => {
    const { bytes, result, bits } = encodeStrings(["a", null, "é", "", undefined]);
    expect(bytes).toEqual([1, 0, 0, 0, 0x61, 2, 0, 0, 0, 0xc3, 0xa9, 0, 0, 0, 0]);
    expect(result).toEqual({ length: 15, nullCount: 2 });
    expect(bits).toEqual([0b01101]);
  });

  it("grows its buffer for a long string, keeping what it wrote before", () => {
    const long = "€".repeat(40_000);
    const { bytes } = encodeStrings(["first", long, "last"]);
    const texts = (decode(bytes, "BYTE_ARRAY", 3) as Uint8Array[]).map((b) => Buffer.from(b).toString("utf8"));
    expect(texts).toEqual(["first", long, "last"]);
  });
});
