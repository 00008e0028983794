import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tokensTimesRate } from "./compile-plan.ts";
import { fromInteger, multiply, parseDecimal, toNano } from "./money.ts";

describe("tokensTimesRate", () => {
  it("rounds exactly like toNano(count × rate), half to even, on both sides of 2^53", () => {
    const rateText = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 24 }))
      .map(([coef, scale]) => (scale === 0 ? `${coef}` : `${coef}e-${scale}`));
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 5_000_000 }), fc.constantFrom(0, 1, 5, 15, 25, 2 ** 40, Number.MAX_SAFE_INTEGER)), rateText, (count, text) => {
        const rate = parseDecimal(text);
        expect(tokensTimesRate(count, rate)).toBe(toNano(multiply(fromInteger(count), rate)));
      }),
      { numRuns: 5000 },
    );
  });

  it("rounds ties to even", () => {
    // 5 tokens × 1e-10 = 0.5 nano → 0; 15 × 1e-10 = 1.5 → 2; 25 × 1e-10 = 2.5 → 2
    const rate = parseDecimal("1e-10");
    expect([5, 15, 25, 35].map((n) => tokensTimesRate(n, rate))).toEqual([0n, 2n, 2n, 4n]);
  });
});
