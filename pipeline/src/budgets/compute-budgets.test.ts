import { describe, expect, it } from "vitest";
import { BudgetRuleSchema } from "../schemas/budgets.schema.ts";
import { BudgetReportSchema } from "../schemas/budget-report.schema.ts";
import { budgetWindowStart, computeBudgets, type BudgetDay } from "./compute-budgets.ts";

const NANO = 1_000_000_000n;
/** One day of one group: `dollars` of spend (nano-USD exact) by `user` of team `team`. */
const day = (date: string, dollars: bigint, values: Record<string, string | null> = { user: "u", team: "t" }, requests = 1): BudgetDay => ({
  date,
  groups: [{ values, requests, unpricedRequests: 0, cost: dollars }],
});
const rule = (fields: Record<string, unknown>) => BudgetRuleSchema.parse({ name: "r", mode: "enforce", applies_to: "user", ...fields });
const data = { first_day: "2026-01-01", last_day: "2026-12-31" };

describe("computeBudgets", () => {
  it("spend exactly at the limit has not crossed it; the run-rate line crosses the next day", () => {
    // $10 on each of 05-01 and 05-02 against $20 a month: 100 % used, not crossed (crossing is strictly over).
    const report = computeBudgets(
      [rule({ limits: { cost_per_month: "20" } })],
      [day("2026-05-01", 10n * NANO), day("2026-05-02", 10n * NANO)],
      "2026-05-02",
      data,
    );
    const b = report.rules[0]!.budgets[0]!;
    expect([b.current.percent_used, b.current.remaining_usd, b.current.crossed_on, b.current.alerts]).toEqual([
      "100.00",
      "0.000000000",
      null,
      [{ percent: 100, reached_on: "2026-05-02" }],
    ]);
    // Run rate 20 / 2 × k > 20 first for k = 3: 05-03; forecast 20 / 2 × 31 = 310.
    expect([b.status, b.will_cross_on, b.forecast_usd]).toEqual(["will_cross", "2026-05-03", "310.000000000"]);
  });

  it("a forecast rounds half to even to the nano-USD; the last day of a period forecasts its spend and predicts nothing", () => {
    // 1 nano-USD over 2 days of a 31-day month: 31 / 2 = 15.5 → 16 nano-USD (even); 3 nano over 2 days: 46.5 → 46.
    const one = computeBudgets([rule({ limits: { cost_per_month: "1" } })], [day("2026-05-02", 1n)], "2026-05-02", data);
    expect(one.rules[0]!.budgets[0]!.forecast_usd).toBe("0.000000016");
    const three = computeBudgets([rule({ limits: { cost_per_month: "1" } })], [day("2026-05-02", 3n)], "2026-05-02", data);
    expect(three.rules[0]!.budgets[0]!.forecast_usd).toBe("0.000000046");
    const last = computeBudgets([rule({ limits: { cost_per_month: "100" } })], [day("2026-05-31", 50n * NANO)], "2026-05-31", data);
    expect([last.rules[0]!.budgets[0]!.forecast_usd, last.rules[0]!.budgets[0]!.will_cross_on]).toEqual(["50.000000000", null]);
  });

  it("ignores days outside the window and after `at`; the window starts at the earliest previous period", () => {
    const rules = [rule({ limits: { cost_per_day: "1", cost_per_quarter: "9" } })];
    expect(budgetWindowStart(rules, "2026-05-20")).toBe("2026-01-01");
    const report = computeBudgets(
      rules,
      [day("2025-12-31", NANO), day("2026-05-21", NANO), day("2026-05-20", 2n * NANO)],
      "2026-05-20",
      data,
    );
    // 2025-12-31 is before the window, 05-21 after `at`: $2 in both periods, sorted by % used: the day (2 / 1) before the quarter (2 / 9).
    expect(report.rules[0]!.budgets.map((b) => [b.period, b.current.spent_usd, b.current.percent_used])).toEqual([
      ["day", "2.000000000", "200.00"],
      ["quarter", "2.000000000", "22.22"],
    ]);
  });

  it("a burn-down when asked for: every day of the current period through `at`, quiet days included", () => {
    const report = computeBudgets(
      [rule({ limits: { cost_per_week: "5" } })],
      [day("2026-05-04", 2n * NANO), day("2026-05-06", 4n * NANO)],
      "2026-05-06",
      data,
      { daily: true },
    );
    BudgetReportSchema.parse(report);
    expect(report.rules[0]!.budgets[0]!.current.daily).toEqual([
      { date: "2026-05-04", spent_usd: "2.000000000", cumulative_usd: "2.000000000" },
      { date: "2026-05-05", spent_usd: "0.000000000", cumulative_usd: "2.000000000" },
      { date: "2026-05-06", spent_usd: "4.000000000", cumulative_usd: "6.000000000" },
    ]);
    expect(report.rules[0]!.budgets[0]!.previous.daily).toBeUndefined();
    expect(
      computeBudgets([rule({ limits: { cost_per_week: "5" } })], [day("2026-05-04", NANO)], "2026-05-06", data).rules[0]!.budgets[0]!
        .current.daily,
    ).toBeUndefined();
  });

  it("a metadata key named like an Object member is a plain value; a call without it is in no budget", () => {
    const r = rule({ limits: { cost_per_day: "1" }, applies_to: "metadata.constructor", when: { metadata: { __proto_x: "y" } } });
    const report = computeBudgets(
      [r],
      [
        {
          date: "2026-05-01",
          groups: [
            { values: { "metadata.constructor": "c1", "metadata.__proto_x": "y" }, requests: 2, unpricedRequests: 1, cost: NANO },
            { values: { "metadata.constructor": null, "metadata.__proto_x": "y" }, requests: 3, unpricedRequests: 0, cost: 5n },
            { values: { "metadata.constructor": "c2", "metadata.__proto_x": "n" }, requests: 9, unpricedRequests: 0, cost: 9n },
          ],
        },
      ],
      "2026-05-01",
      data,
    );
    expect(report.rules[0]!.budgets.map((b) => [b.scope, b.current.requests, b.current.unpriced_requests])).toEqual([["c1", 2, 1]]);
    expect(report.rules[0]!.limits[0]!.without_scope).toEqual({ requests: 3, cost_usd: "0.000000005", unpriced_requests: 0 });
  });
});
