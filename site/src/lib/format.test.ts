import { describe, expect, it } from "vitest";
import { formatChange, formatShare, formatUsd, formatUsdExact, ratio } from "./format.ts";

describe("formatUsd", () => {
  it("rounds to cents for display, half away from zero, with thousands separators", () => {
    expect(formatUsd("138.635910151")).toBe("$138.64");
    expect(formatUsd("1234567.005000000")).toBe("$1,234,567.01");
    expect(formatUsd("-2.345000000")).toBe("−$2.35");
  });
  it("keeps small amounts visible instead of $0.00", () => {
    expect(formatUsd("0.000450000")).toBe("$0.00045");
    expect(formatUsd("0.000000140")).toBe("<$0.00001");
    expect(formatUsd("0.000000000")).toBe("$0.00");
  });
  it("accepts nano-USD bigints", () => {
    expect(formatUsd(138_635_910_151n)).toBe("$138.64");
    expect(formatUsdExact(-1_500n)).toBe("−$0.000001500");
  });
});

describe("shares and ratios", () => {
  it("shows 6-decimal shares as percentages", () => {
    expect(formatShare("0.918118")).toBe("91.81%");
    expect(formatShare("1.000000")).toBe("100.00%");
    expect(formatShare(null)).toBe("n/a");
    expect(formatChange("0.305506")).toBe("+30.55%");
    expect(formatChange("-0.031000")).toBe("−3.10%");
  });
  it("computes exact ratios half to even, signed, like the pipeline's coverage", () => {
    expect(ratio(127_284_192_676n, 138_635_910_151n)).toBe("0.918118");
    expect(ratio(1n, 8_000_000n)).toBe("0.000000"); // 0.000000125 → even 0
    expect(ratio(3n, 8_000_000n)).toBe("0.000000"); // 0.000000375 → 0.000000 (below half a unit)
    expect(ratio(5n, 1_000_000_0n)).toBe("0.000000"); // exactly half of 0.000001 → even 0
    expect(ratio(15n, 1_000_000_0n)).toBe("0.000002"); // 1.5 units → even 2
    expect(ratio(-1n, 4n)).toBe("-0.250000");
    expect(ratio(1n, 0n)).toBeNull();
  });
});
