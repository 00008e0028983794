/**
 * Questions the pages ask of the cube, answered with Arquero. Money columns are BigInt
 * nano-USD and are summed exactly (Arquero's `sum` adds bigints as bigints).
 */
import * as aq from "arquero";
import { TOP_KEYS, toSeries, type Series } from "../charts/series.ts";
import { formatNano, ratio } from "../lib/format.ts";
import type { Sums } from "../lib/kpis.ts";
import { compareKeys } from "../../../pipeline/src/extracts/to-extract-table.ts";
import { MEASURE_NAMES } from "../../../pipeline/src/schemas/fields.ts";

const { op } = aq;

export interface CubeFilter {
  from?: string;
  to?: string;
  /** Column → required value; null requires the value to be absent. */
  equals: Record<string, string | null>;
}

export function isActive(filter: CubeFilter): boolean {
  return Boolean(filter.from || filter.to || Object.keys(filter.equals).length > 0);
}

/** Rows of the cube that pass the filter (values are passed as params, never spliced into code). */
export function filterCube(table: aq.ColumnTable, filter: CubeFilter, options: { ignoreDates?: boolean } = {}): aq.ColumnTable {
  const conditions: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.from && !options.ignoreDates) {
    conditions.push("d.date >= $.from");
    params.from = filter.from;
  }
  if (filter.to && !options.ignoreDates) {
    conditions.push("d.date <= $.to");
    params.to = filter.to;
  }
  Object.entries(filter.equals).forEach(([column, value], i) => {
    const field = `d[${JSON.stringify(column)}]`;
    if (value === null) conditions.push(`${field} == null`);
    else {
      params[`v${i}`] = value;
      conditions.push(`${field} === $.v${i}`);
    }
  });
  if (conditions.length === 0) return table;
  return table.params(params).filter(`(d, $) => ${conditions.join(" && ")}`) as aq.ColumnTable;
}

/** The cube columns every query sums (the pipeline's MEASURES). */
export const MEASURES = MEASURE_NAMES;

/** A sum per measure, named as the measure. */
export const SUMS = Object.fromEntries(MEASURE_NAMES.map((name) => [name, op.sum(name)]));

const big = (v: unknown): bigint => (typeof v === "bigint" ? v : 0n);
const num = (v: unknown): number => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : 0);

export type Totals = Sums;

export function totals(table: aq.ColumnTable): Totals {
  const row = (table.numRows() ? table.rollup(SUMS).object(0) : {}) as Record<string, unknown>;
  const ok = table.numRows()
    ? (table
        .filter("d => d.policy_status === 'ok'")
        .rollup({ cost: op.sum("cost_usd") })
        .object(0) as Record<string, unknown>)
    : {};
  return {
    requests: num(row.requests),
    input_tokens: num(row.input_tokens),
    cache_read_tokens: num(row.cache_read_tokens),
    cache_write_tokens: num(row.cache_write_tokens),
    output_tokens: num(row.output_tokens),
    cost: big(row.cost_usd),
    list_cost: big(row.list_cost_usd),
    unpriced: num(row.unpriced_requests),
    ok_cost: big(ok.cost),
  };
}

/** Breakdown rows (the shape of breakdown-*.json rows) of one dimension, costliest first. */
export function breakdown(table: aq.ColumnTable, dimension: string): Record<string, unknown>[] {
  if (table.numRows() === 0) return [];
  const grouped = table.groupby(dimension).rollup(SUMS).objects() as Record<string, unknown>[];
  const total = grouped.reduce((s, r) => s + big(r.cost_usd), 0n);
  const rows = grouped.map((r) => ({
    key: (r[dimension] as string | null) ?? null,
    requests: num(r.requests),
    input_tokens: num(r.input_tokens),
    output_tokens: num(r.output_tokens),
    cost_nano: big(r.cost_usd),
    cost_usd: formatNano(big(r.cost_usd)),
    list_cost_usd: formatNano(big(r.list_cost_usd)),
    unpriced_requests: num(r.unpriced_requests),
    share: ratio(big(r.cost_usd), total),
  }));
  rows.sort((a, b) => (a.cost_nano === b.cost_nano ? compareKeys(a.key, b.key) : a.cost_nano > b.cost_nano ? -1 : 1));
  return rows;
}

/** Daily cost by a dimension, top values kept and the rest as "(other)". */
export function dailySeries(table: aq.ColumnTable, dimension: string, top = TOP_KEYS): Series {
  if (table.numRows() === 0) return { dates: [], keys: [], values: [] };
  const grouped = table
    .groupby("date", dimension)
    .rollup({ cost: op.sum("cost_usd"), requests: op.sum("requests"), unpriced: op.sum("unpriced_requests") });
  const dates = grouped.array("date") as string[];
  const keys = grouped.array(dimension) as (string | null)[];
  const costs = grouped.array("cost") as unknown[];
  const requests = grouped.array("requests") as unknown[];
  const unpriced = grouped.array("unpriced") as unknown[];
  return toSeries(
    dates.map((date, i) => ({
      date,
      key: keys[i] ?? null,
      nano: big(costs[i]),
      requests: num(requests[i]),
      unpriced_requests: num(unpriced[i]),
    })),
    top,
  );
}

/**
 * Every distinct value of a column, costliest first (ties by key), for the filter inputs'
 * search. Needs only the column and `cost_usd`, and sums only the cost.
 */
export function valuesOf(table: aq.ColumnTable, column: string): (string | null)[] {
  if (table.numRows() === 0) return [];
  const grouped = table.groupby(column).rollup({ cost: op.sum("cost_usd") });
  const keys = grouped.array(column) as (string | null)[];
  const costs = (grouped.array("cost") as unknown[]).map(big);
  const order = keys.map((_, i) => i);
  order.sort((a, b) => (costs[a] === costs[b] ? compareKeys(keys[a] ?? null, keys[b] ?? null) : costs[a]! > costs[b]! ? -1 : 1));
  return order.map((i) => keys[i] ?? null);
}

/** Exact cost in a date window (inclusive) of an already filtered table. */
export function windowCost(table: aq.ColumnTable, from: string, to: string): { cost: bigint; requests: number } {
  const t = table.params({ from, to }).filter("(d, $) => d.date >= $.from && d.date <= $.to");
  if (t.numRows() === 0) return { cost: 0n, requests: 0 };
  const row = t.rollup({ cost: op.sum("cost_usd"), requests: op.sum("requests") }).object(0) as Record<string, unknown>;
  return { cost: big(row.cost), requests: num(row.requests) };
}
