import { NONE_LABEL, nanoToNumber } from "../lib/format.ts";

/**
 * Daily values per key in a compact shape (dates × keys), what the trend and line charts
 * draw and what the pages embed: small enough for a year of days and a dozen keys.
 * Values are USD floats for drawing only; totals always come from the exact figures.
 */
export interface Series {
  dates: string[];
  keys: string[];
  /** values[k][d]: cost of keys[k] on dates[d], USD. */
  values: number[][];
}

export interface DailyAmount {
  date: string;
  key: string | null;
  nano: bigint;
}

/** A row of a chart's "table" data source. `order` is the key's rank (legend and stack order). */
export interface SeriesRow {
  date: string;
  key: string;
  cost: number;
  order: number;
}

export const OTHER = "(other)";

/**
 * Sums daily amounts by key, keeps the `top` costliest keys and folds the rest into
 * "(other)". Null keys are shown as "(none)". Keys are ordered by total cost, "(other)" last.
 */
export function toSeries(rows: Iterable<DailyAmount>, top = 8): Series {
  const byKey = new Map<string, Map<string, bigint>>();
  const totals = new Map<string, bigint>();
  const dates = new Set<string>();
  for (const { date, key, nano } of rows) {
    const name = key ?? NONE_LABEL;
    dates.add(date);
    let days = byKey.get(name);
    if (!days) byKey.set(name, (days = new Map()));
    days.set(date, (days.get(date) ?? 0n) + nano);
    totals.set(name, (totals.get(name) ?? 0n) + nano);
  }
  const ranked = [...totals.keys()].filter((k) => k !== OTHER).sort((a, b) => cmpDesc(totals.get(a)!, totals.get(b)!) || (a < b ? -1 : 1));
  const kept = ranked.slice(0, top);
  const folded = ranked.slice(top);
  if (byKey.has(OTHER)) folded.push(OTHER);
  const sortedDates = [...dates].sort();
  const column = (days: Map<string, bigint>[]) =>
    sortedDates.map((d) => round6(nanoToNumber(days.reduce((sum, m) => sum + (m.get(d) ?? 0n), 0n))));
  const keys = [...kept];
  const values = kept.map((k) => column([byKey.get(k)!]));
  if (folded.length > 0) {
    keys.push(OTHER);
    values.push(column(folded.map((k) => byKey.get(k)!)));
  }
  return { dates: sortedDates, keys, values };
}

/** Long rows for a chart's data source. */
export function seriesRows(series: Series): SeriesRow[] {
  const rows: SeriesRow[] = [];
  series.keys.forEach((key, k) => series.dates.forEach((date, d) => rows.push({ date, key, cost: series.values[k]![d]!, order: k })));
  return rows;
}

function cmpDesc(a: bigint, b: bigint): number {
  return a === b ? 0 : a > b ? -1 : 1;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
