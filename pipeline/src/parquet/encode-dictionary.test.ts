import { describe, expect, it } from "vitest";
import { compactCodes, usedRange } from "./encode-dictionary.ts";

function compact(codes: number[], size: number) {
  const out = new Int32Array(codes.length);
  const bits = new Uint8Array((codes.length + 7) >>> 3);
  const used = new Uint8Array(size + 1);
  const count = compactCodes(Int32Array.from(codes), codes.length, size, out, bits, used);
  return { count, codes: Array.from(out.subarray(0, Math.max(count, 0))), bits: Array.from(bits), used: Array.from(used) };
}

describe("compactCodes", () => {
  it("keeps the codes of present rows in order, packs their levels and marks the entries used (used[0]: a null)", () => {
    expect(compact([2, -1, 0, 2, -1, 1, 1, 0, 2, -1], 4)).toEqual({
      count: 7,
      codes: [2, 0, 2, 1, 1, 0, 2],
      bits: [0b1110_1101, 0b01],
      used: [1, 1, 1, 1, 0],
    });
    expect(compact([1, 1, 1], 2)).toMatchObject({ count: 3, used: [0, 0, 1] });
  });

  it("refuses a code outside -1..size-1, in a whole group of 8 rows or in the rows after", () => {
    expect(compact([0, 0, 0, 0, 0, 0, 0, 3, 0], 3).count).toBe(-1);
    expect(compact([0, 0, 0, 0, 0, 0, 0, 0, -2], 3).count).toBe(-1);
    expect(compact([0, 2, 2], 3).count).toBe(3);
  });
});

describe("usedRange", () => {
  const all = (n: number) => new Uint8Array(n + 1).fill(1);

  it("gives the least and greatest entry rows use, not those only in the dictionary", () => {
    expect(usedRange(["b", "a", "c", "zz"], Uint8Array.of(0, 1, 0, 1, 0))).toEqual({ min: "b", max: "c" });
    expect(usedRange(["b", "a"], Uint8Array.of(1, 0, 0))).toEqual({ min: "", max: "" });
  });

  it("orders by code point, the order of UTF-8 bytes, not by UTF-16 code unit", () => {
    // U+FF61 < U+1F600, though "😀"'s first code unit (0xD83D) is below 0xFF61.
    expect(usedRange(["\uff61", "😀", "z"], all(3))).toEqual({ min: "z", max: "😀" });
    expect(usedRange(["ab", "a", "b"], all(3))).toEqual({ min: "a", max: "b" });
  });

  it("gives a lone surrogate as it is written: U+FFFD", () => {
    expect(usedRange(["\ud800x", "a"], all(2))).toEqual({ min: "a", max: "\ufffdx" });
  });
});
