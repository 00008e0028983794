import type { PricingBook } from "../pricing/load-pricing.ts";
import type { PrivatePricePeriod } from "../pricing/load-private-prices.ts";
import type { PricingDiff } from "../schemas/pricing-diff.schema.ts";
import { calendarDays } from "../restate/select-days.ts";
import { cardFingerprint } from "./diff-pricing.ts";
import { formatNano } from "../pricing/money.ts";

/** A time range in epoch ms, `to` exclusive (Infinity: open-ended). */
export interface Interval {
  from: number;
  to: number;
}

const DAY_MS = 86_400_000;

/**
 * When the private prices of each gateway model differ between two pricing books: the
 * intervals in which the set of private price entries in force (region, rates, tiers,
 * pricing mode) is not the same on both sides. A period added, removed, moved or re-rated
 * gives its range; a changed `source` alone gives none. A model private on one side only
 * (or declared on one side only) counts with no periods on the other.
 */
export function privatePriceChanges(base: PricingBook, head: PricingBook): Map<string, Interval[]> {
  const changes = new Map<string, Interval[]>();
  for (const model of [...new Set([...privateModels(base), ...privateModels(head)])].sort()) {
    const before = periodsOf(base, model);
    const after = periodsOf(head, model);
    const edges = [...new Set([...before, ...after].flatMap((p) => (p.to === undefined ? [p.from] : [p.from, p.to])))].sort(
      (a, b) => a - b,
    );
    const intervals: Interval[] = [];
    edges.forEach((from, i) => {
      if (inForce(before, from) === inForce(after, from)) return;
      const to = edges[i + 1] ?? Infinity;
      const last = intervals.at(-1);
      if (last && last.to === from) last.to = to;
      else intervals.push({ from, to });
    });
    if (intervals.length > 0) changes.set(model, intervals);
  }
  return changes;
}

/** Gateway models an account declares with `cost: private`. */
function privateModels(book: PricingBook): string[] {
  const models: string[] = [];
  for (const account of book.accounts.values()) {
    for (const model of account.models.values()) if (model.cost === "private") models.push(`${account.name}/${model.name}`);
  }
  return models;
}

function periodsOf(book: PricingBook, model: string): PrivatePricePeriod[] {
  const slash = model.indexOf("/");
  const declared = book.accounts.get(model.slice(0, slash))?.models.get(model.slice(slash + 1));
  return declared?.cost === "private" ? (book.privatePrices.get(model) ?? []) : [];
}

/** The entries in force at `t`, as one comparable text. */
function inForce(periods: PrivatePricePeriod[], t: number): string {
  return periods
    .filter((p) => p.from <= t && (p.to === undefined || t < p.to))
    .map((p) => cardFingerprint(p.card))
    .sort()
    .join("\n");
}

/** Whether a call of `model` at `t` falls in a range whose private prices change. */
export function isAffected(changes: Map<string, Interval[]>, model: string, t: number): boolean {
  const intervals = changes.get(model);
  if (!intervals) return false;
  for (const { from, to } of intervals) if (from <= t && t < to) return true;
  return false;
}

/** What the re-priced usage says about the days a change affects (gitops/diff-impact.ts). */
export interface UsageDays {
  /** The usage days re-priced (the last --days partitions), sorted. */
  days: string[];
  /** Days with a call of a model in one of its changed ranges. */
  affected: Set<string>;
  /** Each day's cost with the base and the head rules (nano-USD). */
  byDay: Map<string, { base: bigint; head: bigint }>;
}

/**
 * The days already priced that a pricing change restates once merged (`costs diff`'s
 * `restatement`): only dated private price changes reach back. `since` is the first day a
 * changed private range covers, `until` the last, at most yesterday (UTC, from `today`);
 * with `usage`, only days that usage holds calls of a changed model on, in a changed
 * range. Catalog (public) prices have no effective date: a change to them applies forward
 * only, and says so. Null when no price changes at all.
 */
export function restatementWindow(options: {
  changes: Map<string, Interval[]>;
  diff: Pick<
    PricingDiff,
    "rate_changes" | "tier_changes" | "mode_changes" | "models_added" | "models_removed" | "regions_added" | "regions_removed"
  >;
  today: string;
  usage?: UsageDays;
}): PricingDiff["restatement"] {
  const { changes, diff, today, usage } = options;
  const privates = new Set(changes.keys());
  const catalog =
    diff.rate_changes.some((r) => r.effective_from === null) ||
    diff.tier_changes.some((t) => !privates.has(t.model)) ||
    diff.mode_changes.some((m) => !privates.has(m.model)) ||
    diff.models_added.length + diff.models_removed.length + diff.regions_added.length + diff.regions_removed.length > 0;
  if (changes.size === 0 && !catalog) return null;
  const none = { since: null, until: null, days: null, change_usd: null };
  if (changes.size === 0) {
    return {
      ...none,
      reason: "only catalog (public) prices change: they have no effective date, so the change applies forward only, from the next nightly",
    };
  }

  const models = [...changes.keys()];
  const all = [...changes.values()].flat();
  const first = dayOf(Math.min(...all.map((i) => i.from)));
  const end = Math.max(...all.map((i) => i.to));
  const last = end === Infinity ? null : dayOf(end - 1);
  const yesterday = dayOf(Date.parse(`${today}T00:00:00Z`) - DAY_MS);
  const what = `private prices of ${list(models)} change ${last === null ? `from ${first} on` : `for ${first} … ${last}`}`;
  const alsoCatalog = catalog
    ? "; catalog (public) price changes apply forward only (they have no effective date), except to the restated days, which are priced with the whole current pricing"
    : "";
  if (first > yesterday) return { ...none, reason: `${what}: no day before today (${today}) is affected${alsoCatalog}` };
  const until = last === null || last > yesterday ? yesterday : last;
  if (!usage) return { since: first, until, days: calendarDays(first, until).length, change_usd: null, reason: `${what}${alsoCatalog}` };

  const them = models.length === 1 ? "that model" : "those models";
  const hit = usage.days.filter((d) => usage.affected.has(d) && d >= first && d <= until);
  if (hit.length === 0) {
    const held = usage.days.length > 0 ? `${usage.days[0]} … ${usage.days.at(-1)}` : "none";
    return { ...none, reason: `${what}, but the priced usage (${held}) has no call of ${them} in that range before today${alsoCatalog}` };
  }
  const since = hit[0]!;
  const to = hit.at(-1)!;
  const window = usage.days.filter((d) => d >= since && d <= to);
  let change = 0n;
  for (const d of window) change += usage.byDay.get(d)!.head - usage.byDay.get(d)!.base;
  return {
    since,
    until: to,
    days: window.length,
    change_usd: formatNano(change),
    reason: `${what}, and the priced usage has calls of ${them} in that range${alsoCatalog}`,
  };
}

function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function list(models: string[]): string {
  const shown = models.slice(0, 5);
  return models.length > 5 ? `${shown.join(", ")} and ${models.length - 5} more` : shown.join(", ");
}
