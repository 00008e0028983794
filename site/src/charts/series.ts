import { formatUsd, nanoToNumber } from "../lib/format.ts";
import { allUnpriced, costText, type PricedCount } from "../lib/unpriced.ts";
import { keyLabel, OTHER_LABEL } from "./colours.ts";

/**
 * Daily values per key in a compact shape (dates × keys), what the trend and line charts
 * draw and what the pages embed: small enough for a year of days and a dozen keys.
 * Values are USD floats for drawing only; totals always come from the exact figures.
 */
export interface Series {
  dates: string[];
  keys: string[];
  /**
   * values[k][d]: cost of keys[k] on dates[d], USD; null when every call of that key on
   * that day was unpriced (it has no cost: not drawn, never a $0 point or bar).
   */
  values: (number | null)[][];
  /**
   * The cells with unpriced calls, "k,d" → the cost as the tables show it ("unpriced",
   * "$1.20 (25.00% unpriced)"), for the tooltip. Absent when no cell has any.
   */
  notes?: Record<string, string>;
  /** Keys not drawn because every one of their calls was unpriced (nothing to draw), named in the chart's text. Absent when none. */
  unpriced?: string[];
}

export interface DailyAmount {
  date: string;
  key: string | null;
  nano: bigint;
  /** Already the sum of values left out upstream (breakdown-*.json `other` rows): goes to "(other)". */
  other?: boolean;
  /** The calls behind `nano` and how many of them are unpriced (absent: 0, nothing known to be unpriced). */
  requests?: number;
  unpriced_requests?: number;
}

/** A row of a chart's "table" data source. `order` is the key's rank (legend and stack order). */
export interface SeriesRow {
  date: string;
  key: string;
  /** null: every call that day was unpriced (a gap in a line, no bar). */
  cost: number | null;
  /** The cost as tables show it (`formatUsd`, or "unpriced" / the unpriced share), for the tooltip. */
  text: string;
  order: number;
}

export const OTHER = OTHER_LABEL;

/** How many keys a line or stacked chart draws before the rest become "(other)". */
export const TOP_KEYS = 10;

interface Cell extends PricedCount {
  nano: bigint;
}

const addTo = (cell: Cell | undefined, nano: bigint, requests: number, unpriced: number): Cell => ({
  nano: (cell?.nano ?? 0n) + nano,
  requests: (cell?.requests ?? 0) + requests,
  unpriced_requests: (cell?.unpriced_requests ?? 0) + unpriced,
});

/**
 * Sums daily amounts by key, keeps the `top` costliest keys and folds the rest into one
 * "(other)" series. Null keys are "(none)", a key of its own; a log value that is literally
 * "(none)" or "(other)" is shown in quotes (`keyLabel`). Keys are ordered by total cost,
 * "(other)" last. A key whose every call is unpriced is not drawn (listed in `unpriced`),
 * and a day whose every call of a key is unpriced has no value (null), never $0.
 */
export function toSeries(rows: Iterable<DailyAmount>, top = TOP_KEYS): Series {
  const byKey = new Map<string, Map<string, Cell>>();
  const totals = new Map<string, Cell>();
  const dates = new Set<string>();
  for (const { date, key, nano, other, requests = 0, unpriced_requests = 0 } of rows) {
    const name = other ? OTHER : keyLabel(key);
    dates.add(date);
    let days = byKey.get(name);
    if (!days) byKey.set(name, (days = new Map()));
    days.set(date, addTo(days.get(date), nano, requests, unpriced_requests));
    totals.set(name, addTo(totals.get(name), nano, requests, unpriced_requests));
  }
  const unpriced = [...totals.keys()].filter((k) => allUnpriced(totals.get(k)!)).sort((a, b) => (a < b ? -1 : 1));
  const notDrawn = new Set(unpriced);
  const drawn = (k: string) => !notDrawn.has(k);
  const ranked = [...totals.keys()]
    .filter((k) => k !== OTHER && drawn(k))
    .sort((a, b) => cmpDesc(totals.get(a)!.nano, totals.get(b)!.nano) || (a < b ? -1 : 1));
  const kept = ranked.slice(0, top);
  const folded = ranked.slice(top);
  if (byKey.has(OTHER) && drawn(OTHER)) folded.push(OTHER);
  const sortedDates = [...dates].sort();
  const notes: Record<string, string> = {};
  const column = (k: number, days: Map<string, Cell>[]) =>
    sortedDates.map((d, i) => {
      const cell = days.reduce<Cell | undefined>((sum, m) => {
        const c = m.get(d);
        return c ? addTo(sum, c.nano, c.requests, c.unpriced_requests) : sum;
      }, undefined) ?? { nano: 0n, requests: 0, unpriced_requests: 0 };
      if (cell.unpriced_requests > 0) notes[`${k},${i}`] = costText(cell.nano, cell);
      return allUnpriced(cell) ? null : round6(nanoToNumber(cell.nano));
    });
  const keys = [...kept];
  const values = kept.map((k, i) => column(i, [byKey.get(k)!]));
  if (folded.length > 0) {
    keys.push(OTHER);
    values.push(
      column(
        keys.length - 1,
        folded.map((k) => byKey.get(k)!),
      ),
    );
  }
  return {
    dates: sortedDates,
    keys,
    values,
    ...(Object.keys(notes).length > 0 ? { notes } : {}),
    ...(unpriced.length > 0 ? { unpriced } : {}),
  };
}

/** Long rows for a chart's data source. */
export function seriesRows(series: Series): SeriesRow[] {
  const rows: SeriesRow[] = [];
  series.keys.forEach((key, k) =>
    series.dates.forEach((date, d) => {
      const cost = series.values[k]![d]!;
      const text = series.notes?.[`${k},${d}`] ?? formatUsd(BigInt(Math.round((cost ?? 0) * 1e9)));
      rows.push({ date, key, cost, text, order: k });
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
