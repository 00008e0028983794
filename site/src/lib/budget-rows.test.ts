import { describe, expect, it } from "vitest";
import { computeBudgets, type BudgetDay } from "../../../pipeline/src/budgets/compute-budgets.ts";
import { BudgetRuleSchema } from "../../../pipeline/src/schemas/budgets.schema.ts";
import { burndownRows, describeChart } from "../charts/index.ts";
import { budgetRows, budgetsAtThreshold, percentAtLeast, percentToShare, ruleBurndown } from "./budget-rows.ts";
import { cell } from "./table.ts";

const NANO = 1_000_000_000n;
const group = (user: string, dollars: bigint, requests = 1, unpriced = 0) => ({
  values: { user, team: "t" },
  requests,
  unpricedRequests: unpriced,
  cost: dollars,
});
/** Through 2026-05-03: `big` spends $8, $5, $1 against $10 a month, `small` $0.50 on the first day; `ghost` has only unpriced calls. */
const days: BudgetDay[] = [
  { date: "2026-05-01", groups: [group("big", 8n * NANO), group("ghost", 0n, 2, 2), group("small", NANO / 2n)] },
  { date: "2026-05-02", groups: [group("big", 5n * NANO, 3)] },
  { date: "2026-05-03", groups: [group("big", NANO, 2)] },
];
const rule = BudgetRuleSchema.parse({ name: "r", mode: "enforce", applies_to: "user", limits: { cost_per_month: "10" }, alert_at: ["50"] });
const report = computeBudgets([rule], days, "2026-05-03", { first_day: "2026-05-01", last_day: "2026-05-03" }, { daily: true });
const [r] = report.rules;

describe("the Budgets page's rows and burn-down, from computeBudgets", () => {
  it("percent text becomes the exact ratio a share cell shows, and thresholds compare exactly", () => {
    expect(percentToShare("121.84")).toBe("1.218400");
    expect(percentToShare("0.05")).toBe("0.000500");
    expect(cell("share", percentToShare("121.84")).text).toBe("121.84%");
    expect([percentAtLeast("79.99", 80), percentAtLeast("80.00", 80), percentAtLeast("130.00", 100)]).toEqual([false, true, true]);
  });

  it("a row per budget in % used order, with crossing day, blocked calls, and an unpriced budget that never shows $0.00", () => {
    const rows = budgetRows(r!);
    expect(rows.map((row) => row.key)).toEqual(["big", "small", "ghost"]);
    expect(rows[0]).toMatchObject({ cost_usd: "14.000000000", used: "1.400000", crossing: "crossed 2026-05-02" });
    // Crossed on 05-02: the calls of the days after it are what `enforce` would have blocked (day resolution).
    expect(rows[0]!.blocked).toBe("2 requests, $1.00");
    expect(rows[1]!.blocked).toBe("—");
    const ghost = rows[2]!;
    expect(cell("cost", ghost.cost_usd, ghost).text).toBe("unpriced");
    expect(cell("cost", ghost.forecast_usd, ghost).text).toBe("unpriced");
    expect(budgetsAtThreshold(r!).map((b) => b.scope)).toEqual(["big"]);
  });

  it("the burn-down draws the priced budgets day by day to the forecast and names the unpriced one instead of a $0 line", () => {
    const b = ruleBurndown(r!, r!.limits[0]!, report.at);
    expect(b.lines.map((l) => [l.key, l.dates, l.texts])).toEqual([
      ["big", ["2026-05-01", "2026-05-02", "2026-05-03"], ["$8.00", "$13.00", "$14.00"]],
      ["small", ["2026-05-01", "2026-05-02", "2026-05-03"], ["$0.50", "$0.50", "$0.50"]],
    ]);
    expect(b.unpriced).toEqual(["ghost"]);
    // 14 × 31 / 3 = 144.666… → $144.67 at the period's end.
    expect(burndownRows(b)).toContainEqual(expect.objectContaining({ kind: "forecast", key: "big", date: "2026-05-31", text: "$144.67" }));
    expect(burndownRows(b)).toContainEqual(expect.objectContaining({ kind: "limit", text: "$10.00" }));
    const text = describeChart({ kind: "burndown", what: "user", burndown: b });
    expect(text).toContain("big spent $14.00 by 2026-05-03, forecast $144.67 by 2026-05-31");
    expect(text).toContain("Not drawn, every call unpriced (no cost): ghost.");
  });
});
