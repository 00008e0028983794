/**
 * Budgets against spend (`costs budgets`, docs/pipeline.md "Budgets"): a pure function over
 * the budget grain of the day rollups (schemas/fields.ts `budgetGrain`), never over rows.
 * Per rule × scope value × limit: the current period through `at` and the previous one,
 * % used, remaining, the run-rate forecast, the crossing day and, for `enforce` rules, the
 * calls of the days after it (what the gateway would have blocked; day resolution).
 */
import { divideHalfEven, formatNano, parseNano } from "../pricing/money.ts";
import { BUDGET_PERIODS, LIMIT_KEYS, type BudgetPeriod, type BudgetRule } from "../schemas/budgets.schema.ts";
import type { BudgetFigures, BudgetPeriodFigures, BudgetReport, BudgetRuleReport } from "../schemas/budget-report.schema.ts";
import { AGGREGATE_SCOPE, matchBudgetRule } from "./match-budget-rule.ts";
import { addDays, dayNumber, periodOf, previousPeriod, type Period } from "./periods.ts";

/** One group of a day's budget grain: its dimension values and measures. */
export interface BudgetGroup {
  values: Readonly<Record<string, string | null>>;
  /** Calls, the unpriced ones included. */
  requests: number;
  unpricedRequests: number;
  /** nano-USD; unpriced calls add nothing. */
  cost: bigint;
}

/** A day of the budget grain. */
export interface BudgetDay {
  date: string;
  groups: Iterable<BudgetGroup>;
}

export interface DayFigures {
  requests: number;
  unpriced: number;
  cost: bigint;
}

/** Spend by scope value (null: the call has none) and by day. */
export type ScopeSpend = Map<string | null, Map<string, DayFigures>>;

/** For each matcher, the spend of the days from `from` through `to` by scope value and day (one pass over `days`). */
export function spendByScope(
  matchers: readonly ReturnType<typeof matchBudgetRule>[],
  days: Iterable<BudgetDay>,
  from: string,
  to: string,
): ScopeSpend[] {
  const spend = matchers.map((): ScopeSpend => new Map());
  for (const day of days) {
    if (day.date < from || day.date > to) continue;
    for (const group of day.groups) {
      matchers.forEach((match, r) => {
        if (!match.matches(group.values)) return;
        const scope = match.scopeOf(group.values);
        let byDay = spend[r]!.get(scope);
        if (!byDay) spend[r]!.set(scope, (byDay = new Map()));
        const figures = byDay.get(day.date);
        if (figures) {
          figures.requests += group.requests;
          figures.unpriced += group.unpricedRequests;
          figures.cost += group.cost;
        } else byDay.set(day.date, { requests: group.requests, unpriced: group.unpricedRequests, cost: group.cost });
      });
    }
  }
  return spend;
}

/**
 * One budget's days from `from` through `through`, in order: the totals, the crossing day
 * (the first day the cumulative spend is strictly over the limit) and the calls and cost of
 * the days after it (day resolution: the crossing day itself is allowed). `onDay` sees each
 * day's cumulative spend, and whether the budget was crossed on an earlier day.
 */
export function budgetSpend(
  byDay: Map<string, DayFigures>,
  from: string,
  through: string,
  limit: bigint,
  onDay?: (day: string, spent: bigint, crossedBefore: boolean) => void,
): { spent: bigint; requests: number; unpriced: number; crossedOn: string | null; after: { requests: number; cost: bigint } } {
  const days = [...byDay.keys()].filter((d) => d >= from && d <= through).sort();
  let spent = 0n;
  let requests = 0;
  let unpriced = 0;
  let crossedOn: string | null = null;
  const after = { requests: 0, cost: 0n };
  for (const day of days) {
    const f = byDay.get(day)!;
    const crossedBefore = crossedOn !== null;
    if (crossedBefore) {
      after.requests += f.requests;
      after.cost += f.cost;
    }
    spent += f.cost;
    requests += f.requests;
    unpriced += f.unpriced;
    if (crossedOn === null && spent > limit) crossedOn = day;
    onDay?.(day, spent, crossedBefore);
  }
  return { spent, requests, unpriced, crossedOn, after };
}

/** The limits a rule sets, shortest period first, in nano-USD. */
export function limitsOf(rule: BudgetRule): Array<{ period: BudgetPeriod; limit: bigint }> {
  return BUDGET_PERIODS.flatMap((period) => {
    const text = rule.limits[LIMIT_KEYS[period]];
    return text === undefined ? [] : [{ period, limit: parseNano(text) }];
  });
}

/** The first day the report needs: the start of the earliest previous period of any limit. */
export function budgetWindowStart(rules: readonly BudgetRule[], at: string): string {
  let first = at;
  for (const rule of rules) {
    for (const { period } of limitsOf(rule)) {
      const start = previousPeriod(period, periodOf(period, at)).start;
      if (start < first) first = start;
    }
  }
  return first;
}

/**
 * The budget report at `at` (the current periods end there). `days` are the days of the
 * budget grain in any order; days outside budgetWindowStart … at are ignored. `data` is the
 * first and last day of the data (for `partial_data` and the report's header).
 */
export function computeBudgets(
  rules: readonly BudgetRule[],
  days: Iterable<BudgetDay>,
  at: string,
  data: { first_day: string; last_day: string },
  options: { daily?: boolean } = {},
): BudgetReport {
  const windowStart = budgetWindowStart(rules, at);
  // Per rule: scope value (null: the call has none) → date → figures.
  const spend = spendByScope(rules.map(matchBudgetRule), days, windowStart, at);
  return {
    report_version: 1,
    at,
    data,
    rules: rules.map((rule, r) => ruleReport(rule, spend[r]!, at, data.first_day, options.daily ?? false)),
  };
}

function ruleReport(rule: BudgetRule, spend: ScopeSpend, at: string, firstDay: string, daily: boolean): BudgetRuleReport {
  const limits = limitsOf(rule);
  const enforce = rule.mode === "enforce";
  const budgets: Array<BudgetFigures & { spent: bigint; limit: bigint }> = [];
  for (const { period, limit } of limits) {
    const current = periodOf(period, at);
    const previous = previousPeriod(period, current);
    const scopes = [...spend.keys()].filter((s): s is string => s !== null && sumOf(spend.get(s)!, previous.start, at).requests > 0);
    if (rule.applies_to === "aggregate" && !scopes.includes(AGGREGATE_SCOPE)) scopes.push(AGGREGATE_SCOPE);
    for (const scope of scopes) {
      const byDay = spend.get(scope) ?? new Map<string, DayFigures>();
      const now = periodFigures(byDay, current, at, limit, rule.alert_at, enforce, firstDay);
      if (daily) now.daily = dailySpend(byDay, current.start, at);
      const before = periodFigures(byDay, previous, previous.end, limit, rule.alert_at, enforce, firstDay);
      const spent = parseNano(now.spent_usd);
      const forecast = divideHalfEven(spent * BigInt(current.days), BigInt(now.elapsed_days));
      const willCross = now.crossed_on === null ? runRateCrossing(spent, limit, now.elapsed_days, current) : null;
      budgets.push({
        scope,
        period,
        limit_usd: formatNano(limit),
        status: now.crossed_on !== null ? "crossed" : willCross !== null ? "will_cross" : "ok",
        current: now,
        previous: before,
        forecast_usd: formatNano(forecast),
        will_cross_on: willCross,
        spent,
        limit,
      });
    }
  }
  // % used descending (exact: a/b > c/d ⇔ a·d > c·b), then scope, then the shorter period first.
  budgets.sort((a, b) => {
    const left = a.spent * b.limit;
    const right = b.spent * a.limit;
    if (left !== right) return left > right ? -1 : 1;
    if (a.scope !== b.scope) return a.scope < b.scope ? -1 : 1;
    return BUDGET_PERIODS.indexOf(a.period) - BUDGET_PERIODS.indexOf(b.period);
  });
  return {
    name: rule.name,
    mode: rule.mode,
    applies_to: rule.applies_to,
    alert_at: rule.alert_at,
    limits: limits.map(({ period, limit }) => {
      const current = periodOf(period, at);
      const without = sumOf(spend.get(null) ?? new Map(), current.start, at);
      return {
        period,
        limit_usd: formatNano(limit),
        start: current.start,
        end: current.end,
        without_scope: { requests: without.requests, cost_usd: formatNano(without.cost), unpriced_requests: without.unpriced },
      };
    }),
    budgets: budgets.map(({ spent: _spent, limit: _limit, ...figures }) => figures),
  };
}

/** One budget over `period` through `through`: spend, % used, the crossing day, alerts, blocked calls. */
function periodFigures(
  byDay: Map<string, DayFigures>,
  period: Period,
  through: string,
  limit: bigint,
  alertAt: readonly number[],
  enforce: boolean,
  firstDay: string,
): BudgetPeriodFigures {
  const alerts = alertAt.map((percent) => ({ percent, reached_on: null as string | null }));
  const { spent, requests, unpriced, crossedOn, after } = budgetSpend(byDay, period.start, through, limit, (day, cumulative) => {
    for (const alert of alerts) if (alert.reached_on === null && cumulative * 100n >= BigInt(alert.percent) * limit) alert.reached_on = day;
  });
  return {
    start: period.start,
    end: period.end,
    days: period.days,
    elapsed_days: dayNumber(through) - dayNumber(period.start) + 1,
    partial_data: firstDay > period.start,
    spent_usd: formatNano(spent),
    requests,
    unpriced_requests: unpriced,
    percent_used: percentOf(spent, limit),
    remaining_usd: formatNano(limit - spent),
    crossed_on: crossedOn,
    blocked: enforce && crossedOn !== null ? { requests: after.requests, cost_usd: formatNano(after.cost) } : null,
    alerts,
  };
}

/** Each day from `from` through `through` (days without calls too) with its spend and the cumulative spend: a burn-down. */
function dailySpend(byDay: Map<string, DayFigures>, from: string, through: string): NonNullable<BudgetPeriodFigures["daily"]> {
  const days: NonNullable<BudgetPeriodFigures["daily"]> = [];
  let cumulative = 0n;
  for (let day = from; day <= through; day = addDays(day, 1)) {
    const cost = byDay.get(day)?.cost ?? 0n;
    cumulative += cost;
    days.push({ date: day, spent_usd: formatNano(cost), cumulative_usd: formatNano(cumulative) });
  }
  return days;
}

/**
 * The first day the run-rate line (spent / elapsed × k on the k-th day of the period) goes
 * over the limit, when that is within the period: the smallest k with spent·k > limit·elapsed.
 */
function runRateCrossing(spent: bigint, limit: bigint, elapsed: number, period: Period): string | null {
  if (spent === 0n) return null;
  const k = (limit * BigInt(elapsed)) / spent + 1n;
  return k <= BigInt(period.days) ? addDays(period.start, Number(k) - 1) : null;
}

/** spent / limit × 100 with 2 decimals, half to even. */
function percentOf(spent: bigint, limit: bigint): string {
  const hundredths = divideHalfEven(spent * 10_000n, limit)
    .toString()
    .padStart(3, "0");
  return `${hundredths.slice(0, -2)}.${hundredths.slice(-2)}`;
}

function sumOf(byDay: Map<string, DayFigures>, from: string, through: string): DayFigures {
  const total = { requests: 0, unpriced: 0, cost: 0n };
  for (const [day, f] of byDay) {
    if (day < from || day > through) continue;
    total.requests += f.requests;
    total.unpriced += f.unpriced;
    total.cost += f.cost;
  }
  return total;
}
