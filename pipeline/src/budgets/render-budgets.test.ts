import { describe, expect, it } from "vitest";
import { computeBudgets } from "./compute-budgets.ts";
import { budgetsToMarkdown, budgetsToTable, usd } from "./render-budgets.ts";
import { BudgetRuleSchema } from "../schemas/budgets.schema.ts";

/** A user name written by someone hostile: a table pipe, markdown, a mention, an image, a terminal escape, a line break, a bidi override. */
const HOSTILE = "eve|x **bold** @org/team ![i](https://evil.example/p.png)\u001b[2J\nfake line\u202e";

const rule = BudgetRuleSchema.parse({ name: "per-user", mode: "enforce", limits: { cost_per_day: "1" }, applies_to: "user" });
const report = computeBudgets(
  [rule],
  [{ date: "2026-05-04", groups: [{ values: { user: HOSTILE }, requests: 2, unpricedRequests: 0, cost: 1_500_000_000n }] }],
  "2026-05-04",
  { first_day: "2026-05-04", last_day: "2026-05-04" },
);

describe("budgets for people", () => {
  it("rounds amounts to the cent, half to even, with thousands separators", () => {
    expect(["0.005", "0.015", "1234567.891", "-2.5"].map(usd)).toEqual(["$0.00", "$0.02", "$1,234,567.89", "-$2.50"]);
  });

  it("a hostile scope value stays one table line without terminal control characters", () => {
    const table = budgetsToTable(report);
    expect([...table].filter((c) => (c < " " && c !== "\n") || c === "\u202e")).toEqual([]);
    const line = table.split("\n").find((l) => l.includes("eve|x"))!;
    expect(line).toContain("eve|x **bold** @org/team ![i](https://evil.example/p.png)\ufffd[2J\ufffdfake line\ufffd");
    expect(line).toMatch(/150\.00 %/);
  });

  it("a hostile scope value stays one markdown cell: no mention, image, link or extra column", () => {
    const markdown = budgetsToMarkdown(report);
    const row = markdown.split("\n").find((l) => l.includes("eve"))!;
    expect(row.split(/(?<!\\)\|/)).toHaveLength(12); // 10 cells between 11 pipes
    expect(row).not.toMatch(/(?<!\\)[@!*[]/);
    expect(markdown).not.toContain("\nfake line");
  });
});
