/**
 * The sample's policies/budgets.yaml on data/sample (what `npm start` shows): the two rules
 * show something (a team over its monthly limit with calls an enforce rule would have
 * blocked, users over their daily limit), and the budgets, computed from the day rollups,
 * equal the same sums taken by `costs extract` over the priced rows.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BudgetReportSchema, type BudgetReport } from "../../src/schemas/budget-report.schema.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../..", "..");
const costs = (...argv: string[]) => runCli(ROOT, ...argv);
let out = "";
let report: BudgetReport;

/** `costs extract` CSV rows as objects. */
async function extract(groupBy: string): Promise<Array<Record<string, string>>> {
  const { code, out: csv, err } = await costs("extract", "--group-by", groupBy, "--data", out);
  expect(code, err).toBe(0);
  const [header, ...lines] = csv.trim().split("\n");
  return lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [header!.split(",")[i]!, v])));
}

beforeAll(async () => {
  out = path.join(await writeTempTree({}), "data");
  const run = await costs("run", "--logs", "data/sample", "--out", out, "--no-progress");
  expect(run.code, run.err).toBe(0);
  const budgets = await costs("budgets", "--data", out, "--format", "json");
  expect(budgets.code, budgets.err).toBe(0);
  report = BudgetReportSchema.parse(JSON.parse(budgets.out));
}, 120_000);

describe("the sample's budgets", () => {
  it("ships a team monthly enforce rule and a per-user daily audit rule, in that order", () => {
    expect(report.rules.map((r) => [r.name, r.mode, r.applies_to, r.limits.map((l) => l.period)])).toEqual([
      ["team-monthly", "enforce", "team", ["month"]],
      ["user-daily", "audit", "user", ["day"]],
    ]);
    expect(report.at).toBe(report.data.last_day);
  });

  it("team-monthly: some team crossed its limit and calls came after (what the gateway would have blocked)", async () => {
    const rule = report.rules[0]!;
    const crossed = rule.budgets.filter((b) => b.status === "crossed");
    expect(crossed.length).toBeGreaterThan(0);
    expect(crossed.every((b) => b.current.blocked !== null)).toBe(true);
    expect(crossed.some((b) => b.current.blocked!.requests > 0)).toBe(true);
    // Each team's spend this month is what the priced rows of that month sum to (`unassigned` is excluded by not_in).
    const month = report.at.slice(0, 7);
    const rows = (await extract("month,team")).filter((r) => r.month === month && r.team !== "unassigned");
    expect(rule.budgets.map((b) => [b.scope, b.current.spent_usd]).sort()).toEqual(rows.map((r) => [r.team, r.cost_usd]).sort());
  });

  it("user-daily: some users over their limit on the last day or the day before, each day's spend as the rows sum it", async () => {
    const rule = report.rules[1]!;
    const over = rule.budgets.filter((b) => b.current.crossed_on !== null || b.previous.crossed_on !== null);
    expect(over.length).toBeGreaterThan(1);
    expect(rule.budgets.every((b) => b.current.blocked === null)).toBe(true); // audit
    expect(rule.alert_at).toEqual([50, 80, 100]);
    const byDay = await extract("date,user");
    for (const b of rule.budgets) {
      for (const figures of [b.current, b.previous]) {
        const row = byDay.find((r) => r.date === figures.start && r.user === b.scope);
        expect(figures.spent_usd, `${b.scope} ${figures.start}`).toBe(row?.cost_usd ?? "0.000000000");
      }
    }
  });
});
