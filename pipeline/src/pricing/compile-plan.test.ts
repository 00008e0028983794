import { describe, expect, it } from "vitest";
import { tokensTimesRate } from "./compile-plan.ts";
import { parseDecimal } from "./money.ts";

describe("tokensTimesRate", () => {
  it("rounds ties to even", () => {
    // 5 tokens × 1e-10 = 0.5 nano → 0; 15 × 1e-10 = 1.5 → 2; 25 × 1e-10 = 2.5 → 2
    const rate = parseDecimal("1e-10");
    expect([5, 15, 25, 35].map((n) => tokensTimesRate(n, rate))).toEqual([0n, 2n, 2n, 4n]);
  });

  it("multiplies exactly and rounds once, past what a double holds", () => {
    expect(tokensTimesRate(3, parseDecimal("0.3333333333"))).toBe(1_000_000_000n); // 999,999,999.9 nano
    expect(tokensTimesRate(1_000_001, parseDecimal("1.5e-10"))).toBe(150_000n); // 150,000.15 nano
    expect(tokensTimesRate(Number.MAX_SAFE_INTEGER, parseDecimal("0.000000001"))).toBe(9_007_199_254_740_991n);
    expect(tokensTimesRate(Number.MAX_SAFE_INTEGER, parseDecimal("0.0000025"))).toBe(22_517_998_136_852_477_500n);
  });
});
