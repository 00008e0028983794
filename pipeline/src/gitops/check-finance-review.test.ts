import { describe, expect, it } from "vitest";
import { checkFinanceReview, DEFAULT_FINANCE_THRESHOLD } from "./check-finance-review.ts";
import { diffWithImpact } from "../../test/diff-fixture.ts";

const diffWith = diffWithImpact;

describe("checkFinanceReview", () => {
  it("needs review over the USD limit, and says why", () => {
    expect(checkFinanceReview(diffWith("123.400000000", "0.061000"), DEFAULT_FINANCE_THRESHOLD)).toEqual({
      needed: true,
      reason: "impact +123.400000000 USD (+6.1 %) is over the 100 USD / 5 % threshold",
    });
  });

  it("needs review over the percent limit alone, for a decrease too", () => {
    expect(checkFinanceReview(diffWith("-3.000000000", "-0.250000"), DEFAULT_FINANCE_THRESHOLD)).toEqual({
      needed: true,
      reason: "impact -3.000000000 USD (-25 %) is over the 100 USD / 5 % threshold",
    });
  });

  it("compares exactly at the boundary: equal reaches, one nano or one micro-share below does not", () => {
    expect(checkFinanceReview(diffWith("100.000000000", "0.010000"), DEFAULT_FINANCE_THRESHOLD).reason).toBe(
      "impact +100.000000000 USD (+1 %) reaches the 100 USD / 5 % threshold",
    );
    expect(checkFinanceReview(diffWith("99.999999999", "0.049999"), DEFAULT_FINANCE_THRESHOLD)).toEqual({
      needed: false,
      reason: "impact +99.999999999 USD (+4.9999 %) is under the 100 USD / 5 % threshold",
    });
    expect(checkFinanceReview(diffWith("-1.000000000", "-0.050000"), DEFAULT_FINANCE_THRESHOLD).needed).toBe(true);
  });

  it("honours custom thresholds given as decimal text (no float rounding: 0.1 + 0.2)", () => {
    const threshold = { usd: "0.3", percent: "0.3" };
    expect(checkFinanceReview(diffWith("0.300000000", "0.000100"), threshold).needed).toBe(true);
    expect(checkFinanceReview(diffWith("0.299999999", "0.003000"), threshold).reason).toBe(
      "impact +0.299999999 USD (+0.3 %) reaches the 0.3 USD / 0.3 % threshold",
    );
    expect(checkFinanceReview(diffWith("0.299999999", "0.002999"), threshold).needed).toBe(false);
  });

  it("judges a change without a base cost (null share) on USD alone", () => {
    expect(checkFinanceReview(diffWith("150.000000000", null), DEFAULT_FINANCE_THRESHOLD).reason).toBe(
      "impact +150.000000000 USD (no base cost) is over the 100 USD / 5 % threshold",
    );
    expect(checkFinanceReview(diffWith("5.000000000", null), DEFAULT_FINANCE_THRESHOLD).needed).toBe(false);
  });

  it("needs no review when the diff has no impact figures", () => {
    expect(checkFinanceReview({ ...diffWith("0.000000000", null), impact: null }, DEFAULT_FINANCE_THRESHOLD)).toEqual({
      needed: false,
      reason: "the diff has no impact figures (no priced usage in the window)",
    });
  });
});
