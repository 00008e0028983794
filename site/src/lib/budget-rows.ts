/**
 * The Budgets page's figures from `budgets.json` (schemas/site-data.schema.ts
 * `SiteBudgetsSchema`): a table row per budget (rule × scope value × limit) and a burn-down
 * chart per rule and limit. Money stays exact text; `nanoToNumber` only for drawing.
 */
import type { SiteBudgets } from "../../../pipeline/src/schemas/site-data.schema.ts";
import { rankColours } from "../charts/colours.ts";
import type { Burndown } from "../charts/index.ts";
import { formatInt, formatUsd, nanoToNumber, parseNano } from "./format.ts";
import type { TableColumn } from "./table.ts";
import { allUnpriced } from "./unpriced.ts";

type Rule = SiteBudgets["rules"][number];
type Budget = Rule["budgets"][number];

/** Scope values drawn in a rule's burn-down: the most used ones (the table has every one). */
export const BURNDOWN_LINES = 5;

export const BUDGET_COLUMNS: TableColumn[] = [
  { key: "key", label: "scope", kind: "key" },
  { key: "cost_usd", label: "spend", kind: "cost", hint: "current period through the data's last day; unpriced calls are not in it" },
  { key: "limit_usd", label: "limit", kind: "usd" },
  { key: "used", label: "% used", kind: "share", hint: "spend / limit" },
  {
    key: "forecast_usd",
    label: "forecast",
    kind: "cost",
    hint: "run rate: spend / elapsed days × days of the period; unpriced calls are not in it",
  },
  { key: "crossing", label: "crossing day", kind: "text", hint: "the day spend went over the limit, or the day the run rate will" },
  {
    key: "blocked",
    label: "blocked (enforce)",
    kind: "text",
    hint: "calls of the days after the crossing: what the gateway would have blocked",
  },
  { key: "period", label: "period", kind: "text" },
  { key: "requests", label: "requests", kind: "int" },
  { key: "unpriced_requests", label: "unpriced", kind: "int", hint: "calls that could not be priced (not in spend)" },
];

/** "121.84" (percent, 2 decimals) → "1.218400", the ratio text `share` cells take (exact). */
export function percentToShare(percent: string): string {
  const [whole, frac = ""] = percent.split(".");
  const hundredths = BigInt(`${whole}${frac.padEnd(2, "0").slice(0, 2)}`);
  const micro = hundredths * 100n;
  const text = micro.toString().padStart(7, "0");
  return `${text.slice(0, -6)}.${text.slice(-6)}`;
}

/** The crossing day as the table shows it. */
export function crossingText(b: Budget): string {
  if (b.current.crossed_on !== null) return `crossed ${b.current.crossed_on}`;
  if (b.will_cross_on !== null) return `will cross ${b.will_cross_on}`;
  return "—";
}

/** What an `enforce` rule would have blocked, as the table shows it ("—": audit, or not crossed). */
export function blockedText(b: Budget): string {
  const blocked = b.current.blocked;
  if (blocked === null) return "—";
  return `${formatInt(blocked.requests)} requests, ${formatUsd(blocked.cost_usd)}`;
}

/** Table rows of a rule, in the report's order (% used descending). */
export function budgetRows(rule: Rule): Record<string, unknown>[] {
  return rule.budgets.map((b) => ({
    key: b.scope,
    period: b.period,
    cost_usd: b.current.spent_usd,
    limit_usd: b.limit_usd,
    used: percentToShare(b.current.percent_used),
    forecast_usd: b.forecast_usd,
    crossing: crossingText(b),
    blocked: blockedText(b),
    requests: b.current.requests,
    unpriced_requests: b.current.unpriced_requests,
    status: b.status,
  }));
}

/**
 * The burn-down of one limit of a rule: its most used scope values (at most BURNDOWN_LINES).
 * One whose calls are all unpriced has no cost to draw: it is named in `unpriced`, never a $0 line.
 */
export function ruleBurndown(rule: Rule, limit: Rule["limits"][number], at: string): Burndown {
  const top = rule.budgets.filter((b) => b.period === limit.period).slice(0, BURNDOWN_LINES);
  const unpriced = top.filter((b) => allUnpriced(b.current)).map((b) => b.scope);
  const lines = top
    .filter((b) => !allUnpriced(b.current))
    .map((b) => {
      const daily = b.current.daily ?? [];
      return {
        key: b.scope,
        dates: daily.map((d) => d.date),
        cumulative: daily.map((d) => nanoToNumber(parseNano(d.cumulative_usd))),
        texts: daily.map((d) => formatUsd(d.cumulative_usd)),
        forecast: nanoToNumber(parseNano(b.forecast_usd)),
        forecast_text: formatUsd(b.forecast_usd),
      };
    });
  return {
    start: limit.start,
    end: limit.end,
    at,
    limit: nanoToNumber(parseNano(limit.limit_usd)),
    limit_text: formatUsd(limit.limit_usd),
    lines,
    colours: rankColours(lines.map((l) => l.key)),
    ...(unpriced.length > 0 ? { unpriced } : {}),
  };
}

/** Budgets at or over a rule's lowest alert threshold (else over 100 %): what the overview's status line counts. */
export function budgetsAtThreshold(rule: Rule): Budget[] {
  const threshold = rule.alert_at.length > 0 ? Math.min(...rule.alert_at) : 100;
  return rule.budgets.filter((b) => percentAtLeast(b.current.percent_used, threshold));
}

/** "80.00" ≥ 80, exactly (percent text with 2 decimals). */
export function percentAtLeast(percent: string, threshold: number): boolean {
  const [whole, frac = ""] = percent.split(".");
  return BigInt(`${whole}${frac.padEnd(2, "0").slice(0, 2)}`) >= BigInt(threshold) * 100n;
}
