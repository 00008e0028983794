import fc from "fast-check";
import { readRleBitPackedHybrid } from "hyparquet/src/encoding.js";
import { describe, expect, it } from "vitest";
import { encodeDefinitionLevels, encodeDictionaryIndices, packNulls, POPCOUNT, writeVarint } from "./encode-rle.ts";
import { ScratchBuffer } from "./scratch-buffer.ts";

/*
 * The RLE / bit-packed hybrid of the Parquet spec (Encodings.md): a run is a header
 * varint(count << 1) then the value in ceil(bitWidth / 8) little-endian bytes; a bit-packed
 * stretch is a header varint(groups << 1 | 1) then groups of 8 values, bitWidth bits each,
 * least significant bit first.
 */

/** The definition levels (1 = present) of rows whose `nulls` flags are non-zero for null. */
function encodeLevels(nulls: number[]): number[] {
  const bits = new Uint8Array((nulls.length + 7) >>> 3);
  const nullCount = packNulls(Uint8Array.from(nulls), nulls.length, bits);
  const out = new ScratchBuffer(64);
  const length = encodeDefinitionLevels(bits, nulls.length, nullCount, out);
  return Array.from(out.bytes.subarray(0, length));
}

/** What hyparquet's reader makes of `count` values of hybrid data. */
function decode(bytes: Uint8Array | number[], bitWidth: number, count: number): number[] {
  const data = Uint8Array.from(bytes);
  const output = new Array<number>(count);
  readRleBitPackedHybrid({ view: new DataView(data.buffer), offset: 0 }, bitWidth, output, data.length);
  return output;
}

function encodeIndices(values: number[], bitWidth: number): number[] {
  const padded = new Int32Array(values.length + 8);
  padded.set(values);
  const out = new ScratchBuffer(64);
  const length = encodeDictionaryIndices(padded, values.length, bitWidth, out);
  return Array.from(out.bytes.subarray(0, length));
}

describe("writeVarint", () => {
  it("writes unsigned LEB128: 7 bits a byte, low bits first, high bit set on all but the last", () => {
    const write = (value: number) => {
      const bytes = new Uint8Array(8);
      return Array.from(bytes.subarray(0, writeVarint(bytes, 0, value)));
    };
    expect(write(0)).toEqual([0x00]);
    expect(write(127)).toEqual([0x7f]);
    expect(write(128)).toEqual([0x80, 0x01]);
    expect(write(300)).toEqual([0xac, 0x02]);
    expect(write(2 ** 32 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });
});

describe("packNulls", () => {
  it("packs present rows as 1 bits, row 8g + k at bit k of byte g, and counts the nulls", () => {
    const bits = new Uint8Array(2);
    expect(packNulls(Uint8Array.of(0, 1, 0, 0, 0, 0, 0, 7, 1, 0), 10, bits)).toBe(3);
    expect(Array.from(bits)).toEqual([0b0111_1101, 0b10]);
    expect([POPCOUNT[0], POPCOUNT[0b0111_1101], POPCOUNT[0xff]]).toEqual([0, 6, 8]);
  });
});

describe("encodeDefinitionLevels (bit width 1)", () => {
  it("writes a column without nulls, or only nulls, as one run", () => {
    expect(encodeLevels(Array(10).fill(0))).toEqual([20, 1]);
    expect(encodeLevels(Array(300).fill(1))).toEqual([0xd8, 0x04, 0]); // varint(600)
  });

  it("bit-packs mixed levels, the last group padded with zeros", () => {
    expect(encodeLevels([0, 1, 0, 0, 0, 0, 0, 1, 1, 0])).toEqual([0b101, 0b0111_1101, 0b10]);
  });

  it("makes a run of 8 or more whole groups of one level, and keeps shorter ones bit-packed", () => {
    const oneNull = (rows: number) => Array.from({ length: rows }, (_, i) => (i === 3 ? 1 : 0));
    // Group 0 packed (row 3 null), then 24 groups of present rows as a run of 192, then the 3 rows left packed.
    expect(encodeLevels(oneNull(203))).toEqual([0b11, 0b1111_0111, 0x80, 0x03, 1, 0b11, 0b111]);
    // 7 whole groups after the first: one packed stretch of 8 groups.
    expect(encodeLevels(oneNull(64))).toEqual([0b10001, 0b1111_0111, ...Array(7).fill(0xff)]);
    // A run of null groups has the value 0.
    const nullsAfter = Array.from({ length: 72 }, (_, i) => (i < 8 ? i % 2 : 1));
    expect(encodeLevels(nullsAfter)).toEqual([0b11, 0b0101_0101, 0x80, 0x01, 0]); // varint(128): 64 rows
  });

  it("reads back as the levels through hyparquet, whatever the pattern of nulls", () => {
    const stretch = fc.tuple(fc.constantFrom(0, 1, 2), fc.integer({ min: 1, max: 150 }));
    fc.assert(
      fc.property(fc.array(stretch, { minLength: 1, maxLength: 12 }), (stretches) => {
        // Stretches of all present, all null, or alternating rows.
        const nulls = stretches.flatMap(([kind, n]) => Array.from({ length: n }, (_, i) => (kind === 2 ? i % 2 : kind)));
        expect(decode(encodeLevels(nulls), 1, nulls.length)).toEqual(nulls.map((n) => 1 - n));
      }),
      { numRuns: 300 },
    );
  });
});

describe("encodeDictionaryIndices", () => {
  it("starts with the bit width and bit-packs distinct values (the spec's example: 0..7 at width 3)", () => {
    expect(encodeIndices([0, 1, 2, 3, 4, 5, 6, 7], 3)).toEqual([3, 0b11, 0b1000_1000, 0b1100_0110, 0b1111_1010]);
  });

  it("writes 8 or more repeats as a run, its value in as many bytes as the bit width needs", () => {
    expect(encodeIndices(Array(20).fill(5), 3)).toEqual([3, 40, 5]);
    expect(encodeIndices(Array(20).fill(300), 9)).toEqual([9, 40, 0x2c, 0x01]);
    expect(encodeIndices(Array(8).fill(0x12_3456), 24)).toEqual([24, 16, 0x56, 0x34, 0x12]);
    // Fewer than 8 repeats stay packed: 7 × 5 and a zero pad at width 3 (5 = 101b).
    expect(encodeIndices(Array(7).fill(5), 3)).toEqual([3, 0b11, 0b0110_1101, 0b1101_1011, 0b0001_0110]);
  });

  it("starts a run at the next group of 8 after packed values", () => {
    // 1, 2 and six 7s packed (3 bits each: 0xffffd1), then the other 24 sevens as one run.
    expect(encodeIndices([1, 2, ...Array(30).fill(7)], 3)).toEqual([3, 0b11, 0xd1, 0xff, 0xff, 48, 7]);
  });

  it("reads back as the indices through hyparquet, at every bit width from 1 to 24", () => {
    const input = fc.integer({ min: 1, max: 24 }).chain((bitWidth) =>
      fc.tuple(
        fc.constant(bitWidth),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 ** bitWidth - 1 }), fc.integer({ min: 1, max: 40 })), {
          minLength: 1,
          maxLength: 10,
        }),
      ),
    );
    fc.assert(
      fc.property(input, ([bitWidth, runs]) => {
        const values = runs.flatMap(([value, n]) => Array<number>(n).fill(value));
        const bytes = encodeIndices(values, bitWidth);
        expect(bytes[0]).toBe(bitWidth);
        expect(decode(bytes.slice(1), bitWidth, values.length)).toEqual(values);
      }),
      { numRuns: 500 },
    );
  });
});
