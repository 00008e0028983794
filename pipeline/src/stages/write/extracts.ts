import * as aq from "arquero";
import { formatNano } from "../../pricing/money.ts";
import type { Dataset } from "../../dataset/read-partitions.ts";
import { toCsv, type CsvKind } from "../../lib/to-csv.ts";
import type { Column } from "../../parquet/write-parquet.ts";

/**
 * Priced rows, or groups of them: with `requests` and `unpriced_requests` (rows per group) and, for FOCUS,
 * `list_or_cost_usd` (list cost else cost, summed), and `metadata.<key>` columns holding
 * one metadata value each. The run's rollup (engine/rollup.ts) has this shape.
 */
export type WeightedDataset = Dataset & {
  requests?: number[];
  unpriced_requests?: number[];
  list_or_cost_usd?: bigint[];
  [column: `metadata.${string}`]: unknown[] | undefined;
};

const ones = new WeakMap<Dataset, number[]>();

/** Rows per entry: the `requests` column, else 1 each. */
export function weightsOf(dataset: Dataset): number[] {
  const weights = (dataset as WeightedDataset).requests;
  if (weights) return weights;
  let list = ones.get(dataset);
  if (!list || list.length !== dataset.length) ones.set(dataset, (list = new Array<number>(dataset.length).fill(1)));
  return list;
}

/** The measures of every extract, after its group fields. */
export const MEASURES = [
  ["requests", "int64"],
  ["input_tokens", "int64"],
  ["cache_read_tokens", "int64"],
  ["cache_write_tokens", "int64"],
  ["output_tokens", "int64"],
  ["cost_usd", "money_total"],
  ["list_cost_usd", "money_total"],
  ["unpriced_requests", "int64"],
] as const;

export interface ExtractTable {
  groupBy: string[];
  /** Rows sorted by the group fields (null first), each [...group values, ...measures]. */
  rows: unknown[][];
  totalCostNano: bigint;
}

/**
 * Groups priced rows by `groupBy` (SPEC 6: date, month, user, …, metadata.<key>) with
 * Arquero and sums requests, tokens and cost. Money sums are exact bigint sums of the
 * rows' nano-USD costs, so every extract adds up to the manifest total.
 */
export function computeExtract(dataset: Dataset, groupBy: string[]): ExtractTable {
  const columns: Record<string, unknown[]> = {};
  const weighted = dataset as WeightedDataset;
  let parsed: Record<string, string>[] | undefined;
  for (const field of groupBy) {
    const own = (weighted as unknown as Record<string, unknown[] | undefined>)[field];
    if (own) columns[field] = own;
    else if (field === "month") columns[field] = (dataset.date as string[]).map((d) => d.slice(0, 7));
    else if (field.startsWith("metadata.")) {
      parsed ??= (dataset.metadata as (string | null)[]).map((m) => (m ? (JSON.parse(m) as Record<string, string>) : {}));
      const key = field.slice("metadata.".length);
      // Own keys only: a row without `__proto__` or `constructor` has no such value.
      columns[field] = parsed.map((m) => (Object.hasOwn(m, key) ? m[key]! : null));
    } else throw new Error(`extract field ${field} is not a column`);
  }
  const names = groupBy.map((_, i) => `g${i}`);
  const table = aq.table({
    ...Object.fromEntries(groupBy.map((field, i) => [names[i], columns[field]!])),
    input_tokens: dataset.input_tokens,
    cache_read_tokens: dataset.cache_read_tokens,
    cache_write_tokens: dataset.cache_write_tokens,
    output_tokens: dataset.output_tokens,
    cost: dataset.cost_usd,
    list_cost: dataset.list_cost_usd,
    requests: weightsOf(dataset),
    unpriced: weighted.unpriced_requests ?? (dataset.price_source as string[]).map((s) => (s === "unpriced" ? 1 : 0)),
  });
  const grouped = table.groupby(...names).rollup({
    requests: aq.op.sum("requests"),
    input_tokens: aq.op.sum("input_tokens"),
    cache_read_tokens: aq.op.sum("cache_read_tokens"),
    cache_write_tokens: aq.op.sum("cache_write_tokens"),
    output_tokens: aq.op.sum("output_tokens"),
    cost: aq.op.sum("cost"),
    list_cost: aq.op.sum("list_cost"),
    unpriced: aq.op.sum("unpriced"),
  });
  const get = (name: string) => grouped.array(name) as unknown as unknown[];
  const keys = names.map(get);
  const measures = ["requests", "input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "cost", "list_cost", "unpriced"].map(get);
  const rows: unknown[][] = [];
  let total = 0n;
  for (let r = 0; r < grouped.numRows(); r++) {
    const row = keys.map((k) => k[r] ?? null);
    for (const [m, values] of measures.entries()) {
      const v = values[r];
      row.push(m === 5 || m === 6 ? (typeof v === "bigint" ? v : 0n) : Number(v ?? 0));
    }
    total += row[groupBy.length + 5] as bigint;
    rows.push(row);
  }
  const width = groupBy.length;
  rows.sort((a, b) => {
    for (let i = 0; i < width; i++) {
      const x = a[i] as string | null;
      const y = b[i] as string | null;
      if (x === y) continue;
      if (x === null) return -1;
      if (y === null) return 1;
      return x < y ? -1 : 1;
    }
    return 0;
  });
  return { groupBy, rows, totalCostNano: total };
}

export function extractHeader(extract: ExtractTable): string[] {
  return [...extract.groupBy, ...MEASURES.map(([name]) => name)];
}

export function extractToCsv(extract: ExtractTable): string {
  const header = extractHeader(extract);
  const kinds: CsvKind[] = header.map((_, i) => (i < extract.groupBy.length ? "text" : "number"));
  const width = extract.groupBy.length;
  return toCsv(
    header,
    kinds,
    extract.rows.map((row) => row.map((v, i) => (i === width + 5 || i === width + 6 ? formatNano(v as bigint) : v))),
  );
}

export function extractToColumns(extract: ExtractTable): Column[] {
  return extractHeader(extract).map((name, i) => ({
    name,
    kind: i < extract.groupBy.length ? "string" : MEASURES[i - extract.groupBy.length]![1],
    data: extract.rows.map((row) => row[i]),
  }));
}
