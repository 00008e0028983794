/**
 * `costs budgets` end to end, with figures worked out by hand: JSON Lines logs run through
 * `costs run` in a temp folder, then `costs budgets` as a user runs it. One model costs
 * exactly $0.001 per input token, so a call of N thousand tokens costs $N.
 *
 * The calls (team research: alice, bob and the virtual account batch-va; team sales: carol;
 * carol calls through the account acme-eu, everyone else through acme-main):
 *
 *   day               alice                 bob   carol  batch-va (no user)
 *   Mon 2026-03-30    $2 prod               —     $1 prod  —
 *   Tue 2026-03-31    $3 prod               —     —      $4 dev
 *   Wed 2026-04-01    $1 prod               $2    —      —
 *   Sun 2026-04-05    —                     $1    $1 prod  —
 *   Mon 2026-04-06    $4 prod + 1 unpriced  —     —      $2 dev
 *   Tue 2026-04-07    $3 + $3 prod          $1    —      —
 *   Wed 2026-04-08    $2 + $3 prod          —     $2 prod  $1 dev
 *
 * (bob sends no `env`.) Reported at Wednesday 2026-04-08: its ISO week started Monday
 * 2026-04-06, the previous week (Mon 03-30 … Sun 04-05) spans a month end; April is day 8 of
 * 30; the second quarter (Apr 1 … Jun 30, 91 days) is day 8, the first (90 days) is the previous one.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BudgetReportSchema, type BudgetPeriodFigures, type BudgetReport } from "../../src/schemas/budget-report.schema.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const PRICING = {
  "pricing/catalog/providers/acme/dollar.yaml": "model: dollar\ncosts:\n  input_cost_per_token: 0.001\n  output_cost_per_token: 0\n",
  "pricing/accounts/acme-main.yaml": "name: acme-main\nprovider: acme\nmodels:\n  - {name: dollar, cost: public}\n",
  "pricing/accounts/acme-eu.yaml": "name: acme-eu\nprovider: acme\nmodels:\n  - {name: dollar, cost: public}\n",
};

let n = 0;
/** One call of `usd` dollars (null: an unpriced call, to a model no account declares). */
function call(day: string, who: string, usd: number | null, env?: string): string {
  const user = who !== "batch-va";
  return JSON.stringify({
    request_id: `r${++n}`,
    timestamp: `${day}T${String(8 + (n % 10)).padStart(2, "0")}:00:00Z`,
    model: usd === null ? "acme-main/mystery" : who === "carol" ? "acme-eu/dollar" : "acme-main/dollar",
    subject_type: user ? "user" : "virtualaccount",
    subject: user ? `${who}@example.com` : who,
    teams: [who === "carol" ? "sales" : "research"],
    input_tokens: (usd ?? 1) * 1000,
    output_tokens: 0,
    metadata: env ? { env } : {},
  });
}

const BEFORE_APRIL_8 = [
  call("2026-03-30", "alice", 2, "prod"),
  call("2026-03-30", "carol", 1, "prod"),
  call("2026-03-31", "alice", 3, "prod"),
  call("2026-03-31", "batch-va", 4, "dev"),
  call("2026-04-01", "alice", 1, "prod"),
  call("2026-04-01", "bob", 2),
  call("2026-04-05", "bob", 1),
  call("2026-04-05", "carol", 1, "prod"),
  call("2026-04-06", "alice", 4, "prod"),
  call("2026-04-06", "alice", null, "prod"),
  call("2026-04-06", "batch-va", 2, "dev"),
  call("2026-04-07", "alice", 3, "prod"),
  call("2026-04-07", "alice", 3, "prod"),
  call("2026-04-07", "bob", 1),
];
const APRIL_8 = [
  call("2026-04-08", "alice", 2, "prod"),
  call("2026-04-08", "alice", 3, "prod"),
  call("2026-04-08", "carol", 2, "prod"),
  call("2026-04-08", "batch-va", 1, "dev"),
];

/** Every rule but `env-day`: the first run's budgets.yaml names no metadata key. */
const RULES = `type: gateway-budget-config
rules:
  - name: all-day
    mode: enforce
    limits: {cost_per_day: "7.5"}
    alert_at: [50, 100]
  - name: team-week
    mode: enforce
    limits: {cost_per_week: 10}
    applies_to: team
    when:
      subjects:
        teams: {not_in: [sales]}
  - name: user-month
    mode: audit
    limits: {cost_per_month: 20}
    applies_to: user
    alert_at: [50, 80, 100]
  - name: va-quarter
    mode: enforce
    limits: {cost_per_quarter: 5}
    applies_to: virtual_account
  - name: eu-month
    mode: enforce
    limits: {cost_per_month: 0.5}
    when: {models: [acme-eu/dollar]}
    alert_at: [50]
  - name: user-day
    mode: audit
    limits: {cost_per_day: 4}
    applies_to: user
  - name: nobody
    mode: audit
    limits: {cost_per_day: 1}
    applies_to: user
    when:
      subjects:
        users: {in: [nobody@example.com]}
`;
const ENV_RULE = `  - name: env-day
    mode: audit
    limits: {cost_per_day: 3}
    applies_to: metadata.env
    when: {provider_accounts: [acme-main]}
`;

let dir = "";
const costs = (...argv: string[]) => runCli(dir, ...argv);
const run = (logs: string) =>
  costs("run", "--logs", logs, "--pricing-dir", "pricing", "--policies-dir", "policies", "--out", "data", "--no-progress");
let report: BudgetReport;
const mtimes: number[] = [];

beforeAll(async () => {
  dir = await writeTempTree({
    ...PRICING,
    "policies/budgets.yaml": RULES,
    "logs-1/calls.jsonl": `${BEFORE_APRIL_8.join("\n")}\n`,
    "logs-2/calls.jsonl": `${APRIL_8.join("\n")}\n`,
  });
  const first = await run("logs-1");
  expect(first.code, first.err).toBe(0);
  // A rule scoped by a metadata key no rollup holds yet: the next run rebuilds the kept days once.
  await writeFile(path.join(dir, "policies/budgets.yaml"), RULES + ENV_RULE);
  const second = await run("logs-2");
  expect(second.code, second.err).toBe(0);
  mtimes.push((await stat(path.join(dir, "data/rollups/date=2026-03-30.json"))).mtimeMs);
  const third = await run("logs-2");
  expect(third.code, third.err).toBe(0);
  mtimes.push((await stat(path.join(dir, "data/rollups/date=2026-03-30.json"))).mtimeMs);
  const json = await costs("budgets", "--at", "2026-04-08", "--format", "json");
  expect(json.code, json.err).toBe(0);
  expect(json.err).toBe("budgets: 8 rules, 12 budgets (5 crossed) at 2026-04-08, from 7 day rollups\n");
  report = BudgetReportSchema.parse(JSON.parse(json.out));
}, 120_000);

const usd = (dollars: string) => {
  const [whole, fraction = ""] = dollars.split(".");
  return `${whole}.${fraction.padEnd(9, "0")}`;
};
const none = (percents: number[]) => percents.map((percent) => ({ percent, reached_on: null }));
/** A period's figures; money in dollars as written by hand. */
function period(
  f: Omit<BudgetPeriodFigures, "spent_usd" | "remaining_usd" | "blocked" | "partial_data"> & {
    spent: string;
    remaining: string;
    blocked?: [number, string];
    partial?: boolean;
  },
): BudgetPeriodFigures {
  const { spent, remaining, blocked, partial, ...rest } = f;
  return {
    ...rest,
    partial_data: partial ?? false,
    spent_usd: usd(spent),
    remaining_usd: usd(remaining),
    blocked: blocked ? { requests: blocked[0], cost_usd: usd(blocked[1]) } : null,
  };
}
const rule = (name: string) => report.rules.find((r) => r.name === name)!;
const day8 = { start: "2026-04-08", end: "2026-04-08", days: 1, elapsed_days: 1 };
const day7 = { start: "2026-04-07", end: "2026-04-07", days: 1, elapsed_days: 1 };
const april = { start: "2026-04-01", end: "2026-04-30", days: 30, elapsed_days: 8 };
// March: 31 days, its data starts on the 30th.
const march = { start: "2026-03-01", end: "2026-03-31", days: 31, elapsed_days: 31, partial: true };

describe("costs budgets (hand-worked figures)", () => {
  it("reads rules in file order; a kept day's rollup is rebuilt once when budgets name a new metadata key", () => {
    expect(report.rules.map((r) => r.name)).toEqual([
      "all-day",
      "team-week",
      "user-month",
      "va-quarter",
      "eu-month",
      "user-day",
      "nobody",
      "env-day",
    ]);
    expect(report.at).toBe("2026-04-08");
    expect(report.data).toEqual({ first_day: "2026-03-30", last_day: "2026-04-08" });
    // env-day's figures below come from the 04-07 rollup rebuilt with metadata.env; the third run did not rebuild it again.
    expect(mtimes[1]).toBe(mtimes[0]);
  });

  it("a day limit, aggregate, enforce: crossed on the day itself, so nothing counts as blocked (day resolution)", () => {
    const r = rule("all-day");
    expect(r.limits).toEqual([
      {
        period: "day",
        limit_usd: usd("7.5"),
        start: "2026-04-08",
        end: "2026-04-08",
        without_scope: { requests: 0, cost_usd: usd("0"), unpriced_requests: 0 },
      },
    ]);
    expect(r.budgets).toEqual([
      {
        scope: "(all)",
        period: "day",
        limit_usd: usd("7.5"),
        status: "crossed",
        // 04-08: 2 + 3 + 2 + 1 = $8 in 4 calls; 8 / 7.5 = 106.666…% → 106.67; 7.5 − 8 = −0.5
        current: period({
          ...day8,
          spent: "8",
          requests: 4,
          unpriced_requests: 0,
          percent_used: "106.67",
          remaining: "-0.5",
          crossed_on: "2026-04-08",
          blocked: [0, "0"],
          alerts: [
            { percent: 50, reached_on: "2026-04-08" },
            { percent: 100, reached_on: "2026-04-08" },
          ],
        }),
        // 04-07: 3 + 3 + 1 = $7 in 3 calls: 93.33 %, not crossed (blocked: null), 50 % reached ($3.75 ≤ 7)
        previous: period({
          ...day7,
          spent: "7",
          requests: 3,
          unpriced_requests: 0,
          percent_used: "93.33",
          remaining: "0.5",
          crossed_on: null,
          alerts: [
            { percent: 50, reached_on: "2026-04-07" },
            { percent: 100, reached_on: null },
          ],
        }),
        forecast_usd: usd("8"), // a day limit's forecast is its spend: 8 / 1 × 1
        will_cross_on: null,
      },
    ]);
  });

  it("a week limit across a Monday, per team, not_in, enforce: crossed on Tuesday, Wednesday's calls blocked", () => {
    const r = rule("team-week");
    // sales is excluded by not_in: research is the only team.
    expect(r.budgets).toEqual([
      {
        scope: "research",
        period: "week",
        limit_usd: usd("10"),
        status: "crossed",
        // Mon 04-06: 4 + 0 (unpriced) + 2 = 6 (3 calls); Tue: 3 + 3 + 1 = 7 → 13 > 10: crossed 04-07; Wed: 2 + 3 + 1 = 6 → 19 (3 calls)
        // blocked: Wednesday, 3 calls, $6; forecast 19 / 3 days × 7 = 44.333333333… → 44.333333333
        current: period({
          start: "2026-04-06",
          end: "2026-04-12",
          days: 7,
          elapsed_days: 3,
          spent: "19",
          requests: 9,
          unpriced_requests: 1,
          percent_used: "190.00",
          remaining: "-9",
          crossed_on: "2026-04-07",
          blocked: [3, "6"],
          alerts: [{ percent: 100, reached_on: "2026-04-07" }],
        }),
        // Mon 03-30: 2; Tue: 3 + 4 → 9; Wed 04-01: 1 + 2 → 12 > 10: crossed 04-01; Sun 04-05: bob 1 → 13, blocked: 1 call, $1
        previous: period({
          start: "2026-03-30",
          end: "2026-04-05",
          days: 7,
          elapsed_days: 7,
          spent: "13",
          requests: 6,
          unpriced_requests: 0,
          percent_used: "130.00",
          remaining: "-3",
          crossed_on: "2026-04-01",
          blocked: [1, "1"],
          alerts: [{ percent: 100, reached_on: "2026-04-01" }],
        }),
        forecast_usd: usd("44.333333333"),
        will_cross_on: null,
      },
    ]);
  });

  it("a month limit per user, audit: the run-rate forecast predicts alice crosses on 04-11; % used sorts the users", () => {
    const r = rule("user-month");
    // batch-va's April calls (2 + 1, 2 calls) have no user: in no budget of this rule.
    expect(r.limits).toEqual([
      {
        period: "month",
        limit_usd: usd("20"),
        start: "2026-04-01",
        end: "2026-04-30",
        without_scope: { requests: 2, cost_usd: usd("3"), unpriced_requests: 0 },
      },
    ]);
    expect(r.budgets.map((b) => [b.scope, b.status, b.current.percent_used])).toEqual([
      ["alice@example.com", "will_cross", "80.00"],
      ["bob@example.com", "ok", "20.00"],
      ["carol@example.com", "ok", "15.00"],
    ]);
    const [alice, bob, carol] = r.budgets;
    // alice, April: 04-01 1; 04-06 4 (+1 unpriced call) → 5; 04-07 6 → 11 (≥ 50 % of 20); 04-08 5 → 16 (≥ 80 %) in 7 calls.
    // Run rate 16 / 8 days × 30 = $60; the line 16/8 × k first exceeds 20 at k = ⌊20 × 8 / 16⌋ + 1 = 11: 04-11.
    expect(alice).toEqual({
      scope: "alice@example.com",
      period: "month",
      limit_usd: usd("20"),
      status: "will_cross",
      current: period({
        ...april,
        spent: "16",
        requests: 7,
        unpriced_requests: 1,
        percent_used: "80.00",
        remaining: "4",
        crossed_on: null,
        alerts: [
          { percent: 50, reached_on: "2026-04-07" },
          { percent: 80, reached_on: "2026-04-08" },
          { percent: 100, reached_on: null },
        ],
      }),
      // March: 2 + 3 = 5 in 2 calls: 25 %
      previous: period({
        ...march,
        spent: "5",
        requests: 2,
        unpriced_requests: 0,
        percent_used: "25.00",
        remaining: "15",
        crossed_on: null,
        alerts: none([50, 80, 100]),
      }),
      forecast_usd: usd("60"),
      will_cross_on: "2026-04-11",
    });
    // bob: 2 + 1 + 1 = 4 in April (forecast 4 / 8 × 30 = 15: under 20); nothing in March: an empty period.
    expect(bob!.previous).toEqual(
      period({
        ...march,
        spent: "0",
        requests: 0,
        unpriced_requests: 0,
        percent_used: "0.00",
        remaining: "20",
        crossed_on: null,
        alerts: none([50, 80, 100]),
      }),
    );
    expect([bob!.forecast_usd, bob!.will_cross_on]).toEqual([usd("15"), null]);
    // carol: 1 + 2 = 3 (forecast 3 / 8 × 30 = 11.25); March 1: 5 %.
    expect([carol!.current.spent_usd, carol!.forecast_usd, carol!.previous.percent_used]).toEqual([usd("3"), usd("11.25"), "5.00"]);
  });

  it("a quarter limit per virtual account, enforce: 60 % used, forecast to cross on 04-14", () => {
    const r = rule("va-quarter");
    // Every user call of Q2 has no virtual account: 12 calls, 1 + 2 + 1 + 1 + 4 + 0 + 3 + 3 + 1 + 2 + 3 + 2 = $23, 1 unpriced.
    expect(r.limits[0]!.without_scope).toEqual({ requests: 12, cost_usd: usd("23"), unpriced_requests: 1 });
    expect(r.budgets).toEqual([
      {
        scope: "batch-va",
        period: "quarter",
        limit_usd: usd("5"),
        status: "will_cross",
        // Q2 (91 days), day 8: 2 + 1 = 3: 60 %; forecast 3 / 8 × 91 = 34.125; ⌊5 × 8 / 3⌋ + 1 = 14: 04-14
        current: period({
          start: "2026-04-01",
          end: "2026-06-30",
          days: 91,
          elapsed_days: 8,
          spent: "3",
          requests: 2,
          unpriced_requests: 0,
          percent_used: "60.00",
          remaining: "2",
          crossed_on: null,
          alerts: none([100]),
        }),
        // Q1 (90 days, data only from 03-30): 4 → 80 %
        previous: period({
          start: "2026-01-01",
          end: "2026-03-31",
          days: 90,
          elapsed_days: 90,
          partial: true,
          spent: "4",
          requests: 1,
          unpriced_requests: 0,
          percent_used: "80.00",
          remaining: "1",
          crossed_on: null,
          alerts: none([100]),
        }),
        forecast_usd: usd("34.125"),
        will_cross_on: "2026-04-14",
      },
    ]);
  });

  it("a models condition, aggregate, enforce: crossed on 04-05, the 04-08 call blocked", () => {
    const [b] = rule("eu-month").budgets;
    // Only carol's acme-eu calls: April 04-05 1 (> 0.5: crossed; ≥ 50 % = 0.25) and 04-08 2 (blocked) → 3: 600 %
    expect(b!.current).toEqual(
      period({
        ...april,
        spent: "3",
        requests: 2,
        unpriced_requests: 0,
        percent_used: "600.00",
        remaining: "-2.5",
        crossed_on: "2026-04-05",
        blocked: [1, "2"],
        alerts: [{ percent: 50, reached_on: "2026-04-05" }],
      }),
    );
    // March: 03-30 1, crossed that day, no later call.
    expect(b!.previous).toMatchObject({ spent_usd: usd("1"), crossed_on: "2026-03-30", blocked: { requests: 0, cost_usd: usd("0") } });
  });

  it("a day limit per user: bob spent nothing today (an empty current period), carol 50 %, alice crossed", () => {
    const r = rule("user-day");
    expect(
      r.budgets.map((b) => [
        b.scope,
        b.current.spent_usd,
        b.current.percent_used,
        b.current.crossed_on,
        b.previous.spent_usd,
        b.previous.crossed_on,
      ]),
    ).toEqual([
      ["alice@example.com", usd("5"), "125.00", "2026-04-08", usd("6"), "2026-04-07"],
      ["carol@example.com", usd("2"), "50.00", null, usd("0"), null],
      ["bob@example.com", usd("0"), "0.00", null, usd("1"), null],
    ]);
    // audit: never blocked
    expect(r.budgets.map((b) => b.current.blocked)).toEqual([null, null, null]);
    expect(r.limits[0]!.without_scope).toEqual({ requests: 1, cost_usd: usd("1"), unpriced_requests: 0 });
  });

  it("users.in with no matching user: a rule without budgets", () => {
    expect(rule("nobody").budgets).toEqual([]);
  });

  it("a metadata value scope with a provider_accounts condition (from the rebuilt rollups)", () => {
    const r = rule("env-day");
    // acme-main only: 04-08 prod 2 + 3 = 5 (> 3, crossed), dev 1; 04-07 prod 3 + 3 = 6, dev nothing. carol (acme-eu) is left out.
    expect(
      r.budgets.map((b) => [
        b.scope,
        b.current.spent_usd,
        b.current.percent_used,
        b.current.crossed_on,
        b.previous.spent_usd,
        b.previous.percent_used,
      ]),
    ).toEqual([
      ["prod", usd("5"), "166.67", "2026-04-08", usd("6"), "200.00"],
      ["dev", usd("1"), "33.33", null, usd("0"), "0.00"],
    ]);
  });

  it("--at an earlier day: the periods end there", async () => {
    const earlier = await costs("budgets", "--at", "2026-04-05", "--format", "json");
    expect(earlier.code, earlier.err).toBe(0);
    const at5 = BudgetReportSchema.parse(JSON.parse(earlier.out));
    const week = at5.rules.find((r) => r.name === "team-week")!.budgets[0]!;
    // The week of Sunday 04-05 is Mon 03-30 … Sun 04-05 (the whole of it elapsed): $13, crossed 04-01.
    expect([week.current.start, week.current.elapsed_days, week.current.spent_usd, week.current.crossed_on]).toEqual([
      "2026-03-30",
      7,
      usd("13"),
      "2026-04-01",
    ]);
  });

  it("table and markdown: the same figures for people, amounts to the cent, unpriced requests and calls without a scope said", async () => {
    const table = await costs("budgets");
    expect(table.code, table.err).toBe(0);
    expect(table.out).toContain("Budgets at 2026-04-08 (data 2026-03-30 … 2026-04-08; UTC periods, weeks start Monday)");
    expect(table.out).toMatch(
      /team-week \(enforce, per team\): \$10\.00 per week\n.*\n {2}research +week 2026-04-06 … 2026-04-12 +\$10\.00 +\$19\.00 +190\.00 % +\$44\.33 +2026-04-07 +3 req \/ \$6\.00 +1 +\$13\.00 \(130\.00 %, crossed 2026-04-01\)\n/,
    );
    expect(table.out).toContain("  1 unpriced request not in the spend (current week: their cost is unknown)");
    expect(table.out).toContain("  2 matching requests ($3.00) this month without a user: in no budget");
    const markdown = await costs("budgets", "--format", "markdown");
    expect(markdown.code).toBe(0);
    expect(markdown.out).toContain(
      "| alice\\@example.com | month 2026-04-01 … 2026-04-30 | $20.00 | $16.00 | 80.00 % | $60.00 | will cross 2026-04-11 | — | 1 | $5.00 (25.00 %, partial data) |",
    );
  });

  it("errors name what to fix: --at outside the data or not a date, no rollups, an unknown format", async () => {
    expect(await costs("budgets", "--at", "2026-04-09")).toMatchObject({
      code: 1,
      err: "error: --at: 2026-04-09 is outside the data (2026-03-30 … 2026-04-08)\n  hint: pick a day the data covers, or leave --at out for its last day\n",
    });
    expect(await costs("budgets", "--at", "2026-02-30")).toMatchObject({
      code: 1,
      err: "error: --at: must be a UTC date YYYY-MM-DD, got 2026-02-30\n",
    });
    expect(await costs("budgets", "--format", "csv")).toMatchObject({
      code: 1,
      err: "error: --format: must be table, json or markdown, got csv\n",
    });
    const empty = await costs("budgets", "--data", "nowhere");
    expect(empty.code).toBe(1);
    expect(empty.err).toMatch(/^error: .*nowhere.*(manifest|rollups)/);
  });

  it("costs validate counts the budget rules", async () => {
    const validate = await costs("validate", "--pricing-dir", "pricing", "--policies-dir", "policies");
    expect(validate.code, validate.err).toBe(0);
    expect(validate.out).toContain("8 budget rules");
    expect(await readFile(path.join(dir, "policies/budgets.yaml"), "utf8")).toContain("env-day");
    // A model or account name no pricing file declares: a warning naming the rule and the field.
    await writeFile(
      path.join(dir, "typo.yaml"),
      "rules:\n  - {name: t, mode: audit, limits: {cost_per_day: 1}, when: {models: [acme-main/dolar], provider_accounts: [acme-us]}}\n",
    );
    const typo = await writeTempTree({ "budgets.yaml": await readFile(path.join(dir, "typo.yaml"), "utf8") });
    const warned = await costs("validate", "--pricing-dir", "pricing", "--policies-dir", typo);
    expect(warned.code).toBe(0);
    expect(warned.err).toMatch(
      /^warning: .*budgets\.yaml rule t when\.models: `acme-main\/dolar` is not declared in pricing\/accounts, so no call of it is priced into this budget\n/m,
    );
    expect(warned.err).toMatch(/^warning: .*budgets\.yaml rule t when\.provider_accounts: `acme-us` is not declared in pricing\/accounts/m);
  });
});
