import { formatNano } from "../pricing/money.ts";
import type { DayTotals, Restatement } from "../schemas/restatement.schema.ts";
import type { DayBefore } from "./read-priced-days.ts";

/** A day's totals after it was priced again (nano-USD). */
export interface DayAfter {
  rows: number;
  cost: bigint;
  list: bigint;
}

/** Each day's totals from the run's `dataset` rollup groups (date × price source × policy status), before kept days are added. */
export function dayTotalsOf(
  groups: Iterable<{ values: Record<string, string | null>; rows: number; cost: bigint; list: bigint }>,
): Map<string, DayAfter> {
  const days = new Map<string, DayAfter>();
  for (const { values, rows, cost, list } of groups) {
    const day = days.get(values.date!) ?? { rows: 0, cost: 0n, list: 0n };
    day.rows += rows;
    day.cost += cost;
    day.list += list;
    days.set(values.date!, day);
  }
  return days;
}

/** What a restatement did to one day. */
export interface RestatedDay {
  date: string;
  old: DayTotals;
  new: DayTotals;
  /** The totals differ: the day has an entry in restatements.json. */
  changed: boolean;
}

/**
 * Each restated day's totals before and after, and the entries to append to
 * restatements.json: one per day whose totals changed (rows, cost or list cost); a day
 * whose totals did not change is reported as unchanged and not recorded.
 */
export function compareDays(
  before: Map<string, DayBefore>,
  after: Map<string, DayAfter>,
  meta: { restatedAt: string; pricingVersion: string; pricingCommit: string | null },
): { days: RestatedDay[]; entries: Restatement[] } {
  const days: RestatedDay[] = [];
  const entries: Restatement[] = [];
  for (const [date, old] of [...before].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const now = after.get(date) ?? { rows: 0, cost: 0n, list: 0n };
    const day: RestatedDay = {
      date,
      old: totals(old),
      new: totals(now),
      changed: old.rows !== now.rows || old.cost !== now.cost || old.list !== now.list,
    };
    days.push(day);
    if (!day.changed) continue;
    entries.push({
      date,
      restated_at: meta.restatedAt,
      old: day.old,
      new: day.new,
      old_pricing_version: [...old.pricingVersions].sort().join(","),
      new_pricing_version: meta.pricingVersion,
      pricing_commit: meta.pricingCommit,
    });
  }
  return { days, entries };
}

function totals(t: { rows: number; cost: bigint; list: bigint }): DayTotals {
  return { rows: t.rows, cost_usd: formatNano(t.cost), list_cost_usd: formatNano(t.list) };
}
