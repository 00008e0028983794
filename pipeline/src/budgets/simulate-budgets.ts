/**
 * What a budget rule would have done to real traffic (`costs diff` on a change of
 * policies/budgets.yaml, docs/pipeline.md "Budgets"): every period of each of its limits
 * that meets the window of recent days, spend per scope value day by day, the day each
 * budget was crossed (cumulative spend strictly over the limit), and for an `enforce` rule
 * the calls and cost of the days after that day in its period (what the gateway would have
 * blocked; day resolution, as `costs budgets` counts it). A period that began before the
 * window counts only the window's days, so its spend (and what it blocks) is a lower bound.
 */
import { formatNano } from "../pricing/money.ts";
import type { BudgetPeriod, BudgetRule } from "../schemas/budgets.schema.ts";
import { limitsOf, type BudgetDay } from "./compute-budgets.ts";
import { matchBudgetRule } from "./match-budget-rule.ts";
import { periodOf } from "./periods.ts";

export interface BudgetLimitSimulation {
  period: BudgetPeriod;
  limit_usd: string;
  /** Scope values with calls in the window. */
  scopes: number;
  /** Budgets (scope value × period) crossed, and how many scope values that is. */
  crossings: number;
  scopes_crossed: number;
  /** The first day a budget was crossed, or null. */
  first_crossed_on: string | null;
  /** The scope value crossed first (ties: the first by code units). */
  first_scope: string | null;
  /** Calls and cost after the crossing day in each crossed period: blocked by an enforce rule, over budget by an audit one. */
  after_requests: number;
  after_usd: string;
  /** The highest share of the limit any budget reached, as a decimal ratio with 6 places (1.000000 = the limit). */
  peak_share: string;
}

interface Figures {
  requests: number;
  cost: bigint;
}

/** Simulates `rule` over the days of `days` from `from` through `to` (others are ignored). */
export function simulateBudgetRule(rule: BudgetRule, days: Iterable<BudgetDay>, from: string, to: string): BudgetLimitSimulation[] {
  const match = matchBudgetRule(rule);
  // scope value → date → figures
  const spend = new Map<string, Map<string, Figures>>();
  for (const day of days) {
    if (day.date < from || day.date > to) continue;
    for (const group of day.groups) {
      if (!match.matches(group.values)) continue;
      const scope = match.scopeOf(group.values);
      if (scope === null) continue;
      let byDay = spend.get(scope);
      if (!byDay) spend.set(scope, (byDay = new Map()));
      const f = byDay.get(day.date) ?? { requests: 0, cost: 0n };
      f.requests += group.requests;
      f.cost += group.cost;
      byDay.set(day.date, f);
    }
  }
  return limitsOf(rule).map(({ period, limit }) => {
    let crossings = 0;
    const crossedScopes = new Set<string>();
    let first: { date: string; scope: string } | null = null;
    let afterRequests = 0;
    let afterCost = 0n;
    let peak = { spent: 0n };
    for (const scope of [...spend.keys()].sort()) {
      const byDay = [...spend.get(scope)!].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      let periodEnd = "";
      let cumulative = 0n;
      let crossedOn: string | null = null;
      for (const [date, f] of byDay) {
        if (date > periodEnd) {
          periodEnd = periodOf(period, date).end;
          cumulative = 0n;
          crossedOn = null;
        }
        if (crossedOn !== null) {
          afterRequests += f.requests;
          afterCost += f.cost;
          continue;
        }
        cumulative += f.cost;
        if (cumulative > peak.spent) peak = { spent: cumulative };
        if (cumulative > limit) {
          crossedOn = date;
          crossings++;
          crossedScopes.add(scope);
          if (first === null || date < first.date) first = { date, scope };
        }
      }
    }
    return {
      period,
      limit_usd: formatNano(limit),
      scopes: spend.size,
      crossings,
      scopes_crossed: crossedScopes.size,
      first_crossed_on: first?.date ?? null,
      first_scope: first?.scope ?? null,
      after_requests: afterRequests,
      after_usd: formatNano(afterCost),
      peak_share: shareOf(peak.spent, limit),
    };
  });
}

/** spent / limit with 6 decimal places, rounded down (a share that shows 1.000000 has reached the limit). */
function shareOf(spent: bigint, limit: bigint): string {
  const micro = (spent * 1_000_000n) / limit;
  return `${micro / 1_000_000n}.${String(micro % 1_000_000n).padStart(6, "0")}`;
}
