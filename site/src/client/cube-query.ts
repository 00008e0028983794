/**
 * Questions the pages ask of the cube, answered over its typed columns (pipeline/src/cube/cube-columns.ts).
 * Money is summed exactly as nano-USD bigints.
 */
import { TOP_KEYS, toSeries, type Series } from "../charts/series.ts";
import { formatNano, ratio } from "../lib/format.ts";
import type { Sums } from "../lib/kpis.ts";
import { compareKeys } from "../../../pipeline/src/extracts/to-extract-table.ts";
import { MEASURE_NAMES } from "../../../pipeline/src/schemas/fields.ts";
import {
  codeOf,
  groupRows,
  selectRows,
  sumCount,
  sumMoney,
  type CubeRows,
  type DimColumn,
  type Groups,
} from "../../../pipeline/src/cube/cube-columns.ts";

export interface CubeFilter {
  from?: string;
  to?: string;
  /** Column → required value; null requires the value to be absent. */
  equals: Record<string, string | null>;
}

export function isActive(filter: CubeFilter): boolean {
  return Boolean(filter.from || filter.to || Object.keys(filter.equals).length > 0);
}

/** Rows of the cube that pass the filter (a value no row holds keeps no row). */
export function filterCube(table: CubeRows, filter: CubeFilter, options: { ignoreDates?: boolean } = {}): CubeRows {
  const conditions: { column: DimColumn; allowed: Uint8Array }[] = [];
  if ((filter.from || filter.to) && !options.ignoreDates) {
    const column = table.dim("date");
    const allowed = Uint8Array.from(
      column.values,
      (d) => +(d !== null && (!filter.from || d >= filter.from) && (!filter.to || d <= filter.to)),
    );
    conditions.push({ column, allowed });
  }
  for (const [name, value] of Object.entries(filter.equals)) {
    const column = table.dim(name);
    const allowed = new Uint8Array(column.values.length);
    const code = codeOf(column, value);
    if (code >= 0) allowed[code] = 1;
    conditions.push({ column, allowed });
  }
  return selectRows(table, conditions);
}

/** The cube columns every query sums (the pipeline's MEASURES). */
export const MEASURES = MEASURE_NAMES;

const money = (table: CubeRows, name: string): bigint => {
  const column = table.column(name);
  return column.kind === "money" ? sumMoney(table, column) : 0n;
};
const count = (table: CubeRows, name: string): number => {
  const column = table.column(name);
  return column.kind === "count" ? sumCount(table, column) : 0;
};

export type Totals = Sums;

export function totals(table: CubeRows): Totals {
  const ok = table.length ? filterCube(table, { equals: { policy_status: "ok" } }) : table;
  return {
    requests: count(table, "requests"),
    input_tokens: count(table, "input_tokens"),
    cache_read_tokens: count(table, "cache_read_tokens"),
    cache_write_tokens: count(table, "cache_write_tokens"),
    output_tokens: count(table, "output_tokens"),
    cost: money(table, "cost_usd"),
    list_cost: money(table, "list_cost_usd"),
    unpriced: count(table, "unpriced_requests"),
    ok_cost: ok.length ? money(ok, "cost_usd") : 0n,
  };
}

const countsOf = (groups: Groups, name: string) => groups.counts.get(name)!;
/** Each group's exact money sum as a bigint. */
const moneyOf = (groups: Groups, name: string): bigint[] => {
  const sums = groups.money.get(name)!;
  return Array.from({ length: groups.length }, (_, g) => sums.get(g));
};

/** Breakdown rows (the shape of breakdown-*.json rows) of one dimension, costliest first. */
export function breakdown(table: CubeRows, dimension: string): Record<string, unknown>[] {
  if (table.length === 0) return [];
  const column = table.dim(dimension);
  const groups = groupRows(table, [column], [...MEASURE_NAMES]);
  const cost = moneyOf(groups, "cost_usd");
  const list = moneyOf(groups, "list_cost_usd");
  const [requests, input, output, unpriced] = ["requests", "input_tokens", "output_tokens", "unpriced_requests"].map((n) =>
    countsOf(groups, n),
  );
  const total = cost.reduce((s, v) => s + v, 0n);
  const rows = Array.from({ length: groups.length }, (_, g) => ({
    key: column.values[groups.codes[0]![g]!] ?? null,
    requests: requests![g]!,
    input_tokens: input![g]!,
    output_tokens: output![g]!,
    cost_nano: cost[g]!,
    cost_usd: formatNano(cost[g]!),
    list_cost_usd: formatNano(list[g]!),
    unpriced_requests: unpriced![g]!,
    share: ratio(cost[g]!, total),
  }));
  rows.sort((a, b) => (a.cost_nano === b.cost_nano ? compareKeys(a.key, b.key) : a.cost_nano > b.cost_nano ? -1 : 1));
  return rows;
}

/** Daily cost by a dimension, top values kept and the rest as "(other)". */
export function dailySeries(table: CubeRows, dimension: string, top = TOP_KEYS): Series {
  if (table.length === 0) return { dates: [], keys: [], values: [] };
  const date = table.dim("date");
  const column = table.dim(dimension);
  const groups = groupRows(table, [date, column], ["cost_usd", "requests", "unpriced_requests"]);
  const cost = moneyOf(groups, "cost_usd");
  const requests = countsOf(groups, "requests");
  const unpriced = countsOf(groups, "unpriced_requests");
  return toSeries(
    Array.from({ length: groups.length }, (_, g) => ({
      date: date.values[groups.codes[0]![g]!]!,
      key: column.values[groups.codes[1]![g]!] ?? null,
      nano: cost[g]!,
      requests: requests[g]!,
      unpriced_requests: unpriced[g]!,
    })),
    top,
  );
}

/**
 * Every distinct value of a column, costliest first (ties by key), for the filter inputs'
 * search. Needs only the column and `cost_usd`, and sums only the cost.
 */
export function valuesOf(table: CubeRows, column: string): (string | null)[] {
  if (table.length === 0) return [];
  const dim = table.dim(column);
  const groups = groupRows(table, [dim], ["cost_usd"]);
  const keys = Array.from(groups.codes[0]!, (c) => dim.values[c] ?? null);
  const costs = moneyOf(groups, "cost_usd");
  const order = keys.map((_, i) => i);
  order.sort((a, b) => (costs[a] === costs[b] ? compareKeys(keys[a] ?? null, keys[b] ?? null) : costs[a]! > costs[b]! ? -1 : 1));
  return order.map((i) => keys[i] ?? null);
}

/** Exact cost in a date window (inclusive) of an already filtered table. */
export function windowCost(table: CubeRows, from: string, to: string): { cost: bigint; requests: number } {
  const t = filterCube(table, { from, to, equals: {} });
  if (t.length === 0) return { cost: 0n, requests: 0 };
  return { cost: money(t, "cost_usd"), requests: count(t, "requests") };
}
