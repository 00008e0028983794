/**
 * `costs diff` on a change of policies/budgets.yaml, on a real git repository: the head
 * commit adds a monthly `enforce` budget for all traffic and a daily `audit` budget per
 * team; each is simulated over the golden log's priced usage. The expected crossing day,
 * blocked calls and cost are worked out here from the priced rows read back, independently
 * of the simulation's code.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { listPartitions, readPartitions } from "../../src/dataset/read-partitions.ts";
import { formatNano } from "../../src/pricing/money.ts";
import { requestsOf } from "../../src/schemas/fields.ts";
import { PricingDiffSchema, type PricingDiff } from "../../src/schemas/pricing-diff.schema.ts";
import { git } from "../git.ts";
import { runCli } from "../run-cli.ts";
import { goldenRepo } from "../diff-fixture.ts";

let repo: string;
/** The priced usage by day: cost (nano-USD) and calls, for all traffic. */
let byDay: Array<{ date: string; cost: bigint; requests: number }>;
let limit: bigint;

beforeAll(async () => {
  repo = await goldenRepo("base: no budgets");
  const rows = await readPartitions(path.join(repo, "out"), await listPartitions(path.join(repo, "out")));
  const days = new Map<string, { cost: bigint; requests: number }>();
  for (let i = 0; i < rows.length; i++) {
    const d = days.get(rows.date[i] as string) ?? { cost: 0n, requests: 0 };
    d.cost += (rows.cost_usd[i] as bigint | null) ?? 0n;
    d.requests += requestsOf(rows.calls?.[i] as number | null);
    days.set(rows.date[i] as string, d);
  }
  byDay = [...days].map(([date, d]) => ({ date, ...d })).sort((a, b) => (a.date < b.date ? -1 : 1));
  // A limit the first month's spend passes on its second day with calls: the first day's cost exactly (not over it).
  limit = byDay[0]!.cost;
  const usd = formatNano(limit);
  await writeFile(
    path.join(repo, "policies/budgets.yaml"),
    `rules:\n  - name: all-monthly\n    mode: enforce\n    applies_to: aggregate\n    limits: {cost_per_month: "${usd}"}\n` +
      `  - name: team-daily\n    mode: audit\n    applies_to: team\n    limits: {cost_per_day: "1000000"}\n`,
  );
  await git(repo, "add", "policies/budgets.yaml");
  await git(repo, "commit", "-q", "-m", "head: budgets");
});

describe("costs diff on budgets.yaml", () => {
  it("simulates each new rule over the usage: the crossing day, and the calls and cost after it that enforce would block", async () => {
    const result = await runCli(repo, "diff", "--base", "HEAD~1", "--head", "HEAD", "--usage", "out", "--format", "json");
    expect(result.err).toBe("");
    const diff: PricingDiff = PricingDiffSchema.parse(JSON.parse(result.out));
    expect(diff.policy_changes.filter((p) => p.file === "policies/budgets.yaml").map((p) => [p.kind, p.name])).toEqual([
      ["added", "all-monthly"],
      ["added", "team-daily"],
    ]);
    // By hand: per calendar month, the first day the month's cumulative cost is over `limit`,
    // then every later day of that month is blocked (the crossing day itself is allowed).
    let first: string | null = null;
    let crossings = 0;
    let blocked = { requests: 0, cost: 0n };
    let month = "";
    let cumulative = 0n;
    let crossed = false;
    for (const d of byDay) {
      if (d.date.slice(0, 7) !== month) [month, cumulative, crossed] = [d.date.slice(0, 7), 0n, false];
      if (crossed) {
        blocked = { requests: blocked.requests + d.requests, cost: blocked.cost + d.cost };
        continue;
      }
      cumulative += d.cost;
      if (cumulative > limit) {
        crossed = true;
        crossings++;
        first ??= d.date;
      }
    }
    expect(first).not.toBeNull();
    expect(diff.budgets[0]).toMatchObject({
      rule: "all-monthly",
      change: "added",
      mode: "enforce",
      window: { from: byDay[0]!.date, to: byDay.at(-1)!.date, days: byDay.length },
      limits: [
        {
          period: "month",
          limit_usd: formatNano(limit),
          scopes: 1,
          crossings,
          first_crossed_on: first,
          first_scope: "(all)",
          after_requests: blocked.requests,
          after_usd: formatNano(blocked.cost),
        },
      ],
    });
    // The per-team audit rule at a million dollars a day is never crossed.
    expect(diff.budgets[1]!.limits[0]).toMatchObject({ period: "day", crossings: 0, first_crossed_on: null });
  });

  it("says it in the pull-request comment", async () => {
    const result = await runCli(repo, "diff", "--base", "HEAD~1", "--head", "HEAD", "--usage", "out");
    expect(result.code).toBe(0);
    expect(result.out).toContain("### Budget rules, simulated on recent usage");
    expect(result.out).toMatch(
      /- \*\*all-monthly\*\* \(added, enforce\), \$[0-9.]+ a month in total: would have been crossed on \d{4}-\d\d-\d\d/,
    );
    expect(result.out).toContain("- **team-daily** (added, audit), $1000000 a day per team: not crossed in the last");
  });

  it("names the rule when a budgets.yaml at a ref does not validate", async () => {
    await writeFile(
      path.join(repo, "policies/budgets.yaml"),
      "rules:\n  - name: bad\n    mode: enforce\n    applies_to: aggregate\n    limits: {cost_per_month: -5}\n",
    );
    await git(repo, "commit", "-q", "-am", "broken budget");
    const result = await runCli(repo, "diff", "--base", "HEAD~1", "--head", "HEAD", "--usage", "out");
    expect(result.code).toBe(1);
    expect(result.err).toContain("HEAD:policies/budgets.yaml");
  });
});
