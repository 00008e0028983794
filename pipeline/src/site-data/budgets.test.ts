import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../test/run-cli.ts";
import { writeTempTree } from "../../test/temp-dir.ts";
import { loadPoliciesOrThrow } from "../policies/load-policies.ts";
import { BudgetReportSchema } from "../schemas/budget-report.schema.ts";
import type { BudgetRule } from "../schemas/budgets.schema.ts";
import { scopesNameUsers, siteBudgets } from "./budgets.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
let data: string;
let rules: BudgetRule[];

beforeAll(async () => {
  data = path.join(await writeTempTree({}), "data");
  expect((await runCli(ROOT, "run", "--logs", "data/sample", "--out", data, "--no-progress")).code).toBe(0);
  rules = (await loadPoliciesOrThrow(path.join(ROOT, "policies"))).budgets;
}, 120_000);

describe("budgets.json of costs site-data", () => {
  it("is `costs budgets --format json` at the data's last day, plus each budget's burn-down", async () => {
    const cli = await runCli(ROOT, "budgets", "--data", data, "--format", "json");
    expect(cli.code).toBe(0);
    const report = BudgetReportSchema.parse(JSON.parse(cli.out));
    const site = await siteBudgets(data, rules, [], {});
    expect(site.at).toBe(report.data.last_day);
    expect(site.rules.flatMap((r) => r.budgets).length).toBeGreaterThan(0);
    const { withheld_rules, ...rest } = site;
    expect(withheld_rules).toEqual([]);
    const withoutDaily = JSON.parse(JSON.stringify(rest, (key, value: unknown) => (key === "daily" ? undefined : value)));
    expect(withoutDaily).toEqual(report);
    for (const b of site.rules.flatMap((r) => r.budgets)) {
      expect(b.current.daily!.map((d) => d.date)[0]).toBe(b.current.start);
      expect(b.current.daily!.at(-1)).toMatchObject({ date: site.at, cumulative_usd: b.current.spent_usd });
    }
  });

  it("with pseudonyms, per-user scope values are the users' pseudonyms; a user without one is left out and its rule named", async () => {
    const plain = await siteBudgets(data, rules, [], {});
    const users = plain.rules.find((r) => r.name === "user-daily")!.budgets.map((b) => b.scope);
    const pseudonyms = new Map(users.slice(1).map((u, i) => [u, `user-${i}`]));
    const site = await siteBudgets(data, rules, [], { pseudonyms });
    expect(rules.filter(scopesNameUsers).map((r) => r.name)).toEqual(["user-daily"]);
    expect(site.rules.find((r) => r.name === "user-daily")!.budgets.map((b) => b.scope)).toEqual(
      users.slice(1).map((u) => pseudonyms.get(u)),
    );
    expect(site.withheld_rules).toEqual(["user-daily"]);
    expect(site.rules.find((r) => r.name === "team-monthly")).toEqual(plain.rules.find((r) => r.name === "team-monthly"));
    expect(JSON.stringify(site)).not.toMatch(/@example\.com/);
  });

  it("without rules is an empty report over the data's days and reads no rollup", async () => {
    const site = await siteBudgets(path.join(data, "no-such-folder"), [], ["2026-06-16", "2026-07-15"], {});
    expect(site).toEqual({
      report_version: 1,
      at: "2026-07-15",
      data: { first_day: "2026-06-16", last_day: "2026-07-15" },
      rules: [],
      withheld_rules: [],
    });
  });
});
