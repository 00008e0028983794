import { describe, expect, it } from "vitest";
import { BudgetRuleSchema } from "../schemas/budgets.schema.ts";
import type { BudgetDay } from "./compute-budgets.ts";
import { simulateBudgetRule } from "./simulate-budgets.ts";

const NANO = 1_000_000_000n;
const rule = (fields: Record<string, unknown>) => BudgetRuleSchema.parse({ name: "r", mode: "enforce", applies_to: "team", ...fields });
/** A day of groups: [team, user, dollars, requests]. */
const day = (date: string, groups: Array<[string, string, bigint, number]>): BudgetDay => ({
  date,
  groups: groups.map(([team, user, dollars, requests]) => ({
    values: { team, user },
    requests,
    unpricedRequests: 0,
    cost: dollars * NANO,
  })),
});

describe("simulateBudgetRule", () => {
  // Team a: $4 a day on 06-29, 06-30, 07-01, 07-02 (2 calls a day); team b: $1 on 06-30 (1 call).
  const days = [
    day("2026-06-29", [["a", "ann", 4n, 2]]),
    day("2026-06-30", [
      ["a", "ann", 4n, 2],
      ["b", "bob", 1n, 1],
    ]),
    day("2026-07-01", [["a", "ann", 4n, 2]]),
    day("2026-07-02", [["a", "amy", 4n, 2]]),
  ];

  it("finds the crossing day per period and counts what came after it in that period (day resolution)", () => {
    // $6 a month per team. June: a spends 4 (06-29), 8 > 6 on 06-30 → crossed 06-30; nothing after it in June.
    // July: 4 (07-01), 8 > 6 on 07-02 → crossed 07-02; nothing after. b: 1 of 6. First crossing 06-30 by a.
    expect(simulateBudgetRule(rule({ limits: { cost_per_month: "6" } }), days, "2026-06-29", "2026-07-02")).toEqual([
      {
        period: "month",
        limit_usd: "6.000000000",
        scopes: 2,
        crossings: 2,
        scopes_crossed: 1,
        first_crossed_on: "2026-06-30",
        first_scope: "a",
        after_requests: 0,
        after_usd: "0.000000000",
        peak_share: "1.333333",
      },
    ]);
  });

  it("blocks the calls of the days after the crossing, across a month end inside one ISO week", () => {
    // $5 a week per team; 06-29 is a Monday, so 06-29 … 07-02 is one week. a: 4, 8 > 5 on 06-30;
    // after it: 07-01 and 07-02, 2 + 2 calls, $8.
    const [week] = simulateBudgetRule(rule({ limits: { cost_per_week: "5" } }), days, "2026-06-29", "2026-07-02");
    expect(week).toMatchObject({ crossings: 1, first_crossed_on: "2026-06-30", after_requests: 4, after_usd: "8.000000000" });
  });

  it("keeps to the rule's conditions and the window, and reports the peak when nothing crosses", () => {
    // Per user, only team a's calls, $10 a day, window 06-30 … 07-01: ann 4 and 4, never over; peak 4 / 10.
    const perUser = rule({ applies_to: "user", when: { subjects: { teams: { in: ["a"] } } }, limits: { cost_per_day: "10" } });
    expect(simulateBudgetRule(perUser, days, "2026-06-30", "2026-07-01")).toEqual([
      {
        period: "day",
        limit_usd: "10.000000000",
        scopes: 1,
        crossings: 0,
        scopes_crossed: 0,
        first_crossed_on: null,
        first_scope: null,
        after_requests: 0,
        after_usd: "0.000000000",
        peak_share: "0.400000",
      },
    ]);
  });
});
