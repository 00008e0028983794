import { formatUsd, nanoToNumber } from "../lib/format.ts";
import { keyLabel, OTHER_LABEL } from "./colours.ts";

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
  /** Already the sum of values left out upstream (breakdown-*.json `other` rows): goes to "(other)". */
  other?: boolean;
}

/** A row of a chart's "table" data source. `order` is the key's rank (legend and stack order). */
export interface SeriesRow {
  date: string;
  key: string;
  cost: number;
  /** The cost as tables round it (`formatUsd`), for the tooltip. */
  text: string;
  order: number;
}

export const OTHER = OTHER_LABEL;

/** How many keys a line or stacked chart draws before the rest become "(other)". */
export const TOP_KEYS = 10;

/**
 * Sums daily amounts by key, keeps the `top` costliest keys and folds the rest into one
 * "(other)" series. Null keys are "(none)", a key of its own; a log value that is literally
 * "(none)" or "(other)" is shown in quotes (`keyLabel`). Keys are ordered by total cost,
 * "(other)" last.
 */
export function toSeries(rows: Iterable<DailyAmount>, top = TOP_KEYS): Series {
  const byKey = new Map<string, Map<string, bigint>>();
  const totals = new Map<string, bigint>();
  const dates = new Set<string>();
  for (const { date, key, nano, other } of rows) {
    const name = other ? OTHER : keyLabel(key);
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
  series.keys.forEach((key, k) =>
    series.dates.forEach((date, d) => {
      const cost = series.values[k]![d]!;
      rows.push({ date, key, cost, text: formatUsd(BigInt(Math.round(cost * 1e9))), order: k });
    }),
  );
  return rows;
}

function cmpDesc(a: bigint, b: bigint): number {
  return a === b ? 0 : a > b ? -1 : 1;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
