/**
 * Ad hoc extracts (`costs extract`, the site data's cube and breakdowns): priced rows, or
 * groups of them, grouped by any fields with Arquero, then turned into extract rows by
 * `toExtractTable`. The nightly's extracts do not come through here: the run's rollups
 * (engine/rollup.ts) already hold them at their grain.
 */
import * as aq from "arquero";
import type { Dataset } from "../dataset/read-partitions.ts";
import { MEASURES, requestsOf } from "../schemas/fields.ts";
import { toExtractTable, type ExtractTable } from "./to-extract-table.ts";

/**
 * Priced rows, or groups of them: with `requests` and `unpriced_requests` (calls per group),
 * `rows` (rows per group) and, for FOCUS, `list_or_cost_usd` (list cost else cost, summed),
 * and `metadata.<key>` columns holding one metadata value each. The run's rollup
 * (engine/rollup.ts) has this shape.
 */
export type WeightedDataset = Dataset & {
  requests?: number[];
  unpriced_requests?: number[];
  rows?: number[];
  list_or_cost_usd?: bigint[];
  [column: `metadata.${string}`]: unknown[] | undefined;
};

const ofRows = new WeakMap<Dataset, number[]>();
const ones = new WeakMap<Dataset, number[]>();

/** Requests per entry: the `requests` column, else each row's calls (requestsOf: an aggregate row counts as its calls, any other as 1). */
export function weightsOf(dataset: Dataset): number[] {
  const weights = (dataset as WeightedDataset).requests;
  if (weights) return weights;
  let list = ofRows.get(dataset);
  if (!list || list.length !== dataset.length) {
    const calls = dataset.calls as Array<number | bigint | null | undefined> | undefined;
    list = Array.from({ length: dataset.length }, (_, i) => requestsOf(calls?.[i]));
    ofRows.set(dataset, list);
  }
  return list;
}

/** Rows per entry: the `rows` column, else 1 each. */
export function rowsOf(dataset: Dataset): number[] {
  const rows = (dataset as WeightedDataset).rows;
  if (rows) return rows;
  let list = ones.get(dataset);
  if (!list || list.length !== dataset.length) ones.set(dataset, (list = new Array<number>(dataset.length).fill(1)));
  return list;
}

/** Sums of every measure, by its name. */
const SUMS = Object.fromEntries(MEASURES.map(({ name }) => [name, aq.op.sum(name)]));

/**
 * Groups priced rows by `groupBy` (SPEC 6: date, month, user, …, metadata.<key>) with
 * Arquero and sums requests, tokens and cost. Money sums are exact bigint sums of the
 * rows' nano-USD costs, so every extract adds up to the manifest total.
 */
export function computeExtract(dataset: Dataset, groupBy: string[]): ExtractTable {
  const weighted = dataset as WeightedDataset;
  const own = weighted as unknown as Record<string, unknown[] | undefined>;
  let parsed: Record<string, string>[] | undefined;
  const keyColumn = (field: string): unknown[] => {
    const column = own[field];
    if (column) return column;
    if (field === "month") return (dataset.date as string[]).map((d) => d.slice(0, 7));
    if (field.startsWith("metadata.")) {
      parsed ??= (dataset.metadata as (string | null)[]).map((m) => (m ? (JSON.parse(m) as Record<string, string>) : {}));
      const key = field.slice("metadata.".length);
      // Own keys only: a row without `__proto__` or `constructor` has no such value.
      return parsed.map((m) => (Object.hasOwn(m, key) ? m[key]! : null));
    }
    throw new Error(`extract field ${field} is not a column`);
  };
  const names = groupBy.map((_, i) => `g${i}`);
  const weights = weightsOf(dataset);
  const table = aq.table({
    ...Object.fromEntries(groupBy.map((field, i) => [names[i], keyColumn(field)])),
    ...Object.fromEntries(
      MEASURES.filter(({ name }) => name.endsWith("_tokens") || name.endsWith("_usd")).map(({ name }) => [name, own[name]!]),
    ),
    requests: weights,
    unpriced_requests: weighted.unpriced_requests ?? (dataset.price_source as string[]).map((s, i) => (s === "unpriced" ? weights[i]! : 0)),
  });
  const grouped = table.groupby(...names).rollup(SUMS);
  const columns: Record<string, unknown[]> = {};
  groupBy.forEach((field, i) => (columns[field] = grouped.array(names[i]!) as unknown as unknown[]));
  for (const { name } of MEASURES) columns[name] = grouped.array(name) as unknown as unknown[];
  return toExtractTable(Object.assign(columns, { length: grouped.numRows() }), groupBy);
}
