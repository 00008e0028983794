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
import { budgetSpend, limitsOf, spendByScope, type BudgetDay } from "./compute-budgets.ts";
import { matchBudgetRule } from "./match-budget-rule.ts";
import { periodOf, type Period } from "./periods.ts";

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

/** Simulates `rule` over the days of `days` from `from` through `to` (others are ignored). */
export function simulateBudgetRule(rule: BudgetRule, days: Iterable<BudgetDay>, from: string, to: string): BudgetLimitSimulation[] {
  // scope value → date → figures (calls without a scope value are in no budget of the rule)
  const [spend] = spendByScope([matchBudgetRule(rule)], days, from, to);
  spend!.delete(null);
  const scopes = [...spend!.keys()].sort() as string[];
  return limitsOf(rule).map(({ period, limit }) => {
    let crossings = 0;
    const crossedScopes = new Set<string>();
    let first: { date: string; scope: string } | null = null;
    let afterRequests = 0;
    let afterCost = 0n;
    // The highest cumulative spend up to each crossing (what was allowed).
    let peak = 0n;
    for (const scope of scopes) {
      const byDay = spend!.get(scope)!;
      // Each period of the limit that has days with calls in the window.
      const periods = new Map<string, Period>();
      for (const date of byDay.keys()) {
        const p = periodOf(period, date);
        periods.set(p.start, p);
      }
      for (const p of periods.values()) {
        const figures = budgetSpend(byDay, p.start, p.end, limit, (_, cumulative, crossedBefore) => {
          if (!crossedBefore && cumulative > peak) peak = cumulative;
        });
        if (figures.crossedOn === null) continue;
        crossings++;
        crossedScopes.add(scope);
        if (first === null || figures.crossedOn < first.date) first = { date: figures.crossedOn, scope };
        afterRequests += figures.after.requests;
        afterCost += figures.after.cost;
      }
    }
    return {
      period,
      limit_usd: formatNano(limit),
      scopes: scopes.length,
      crossings,
      scopes_crossed: crossedScopes.size,
      first_crossed_on: first?.date ?? null,
      first_scope: first?.scope ?? null,
      after_requests: afterRequests,
      after_usd: formatNano(afterCost),
      peak_share: shareOf(peak, limit),
    };
  });
}

/** spent / limit with 6 decimal places, rounded down (a share that shows 1.000000 has reached the limit). */
function shareOf(spent: bigint, limit: bigint): string {
  const micro = (spent * 1_000_000n) / limit;
  return `${micro / 1_000_000n}.${String(micro % 1_000_000n).padStart(6, "0")}`;
}
