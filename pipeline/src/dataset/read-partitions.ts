import { readdir } from "node:fs/promises";
import path from "node:path";
import { exists } from "../lib/exists.ts";
import { readParquet } from "../parquet/read-parquet.ts";
import { ROW_DIMENSIONS, TOKEN_COLUMNS } from "../schemas/fields.ts";

/** The columns extracts, the FOCUS export and the manifest totals read from priced rows (`calls`: the requests an aggregate row counts as). */
export const DATASET_COLUMNS = ["date", ...ROW_DIMENSIONS, "metadata", ...TOKEN_COLUMNS, "calls", "cost_usd", "list_cost_usd"] as const;

const NUMERIC = new Set<string>(TOKEN_COLUMNS);

/** Columnar priced rows: tokens as numbers, money as nano-USD bigint (null when unpriced). */
export type Dataset = Record<(typeof DATASET_COLUMNS)[number], unknown[]> & { length: number };

export function emptyDataset(): Dataset {
  return Object.assign(Object.fromEntries(DATASET_COLUMNS.map((c) => [c, []])), { length: 0 }) as unknown as Dataset;
}

/** Appends columns (from a run or a Parquet partition) to a dataset. */
export function appendColumns(dataset: Dataset, columns: Record<string, unknown[]>, order?: number[]): void {
  const n = columns.date!.length;
  for (const name of DATASET_COLUMNS) {
    const source = columns[name] ?? []; // a column the partition predates (`calls`): null
    const target = dataset[name];
    const numeric = NUMERIC.has(name);
    for (let k = 0; k < n; k++) {
      const v = source[order ? order[k]! : k];
      target.push(numeric ? Number(v ?? 0) : (v ?? null));
    }
  }
  dataset.length += n;
}

/** The `date=YYYY-MM-DD` partitions under `<out>/priced`, sorted. */
export async function listPartitions(out: string): Promise<string[]> {
  const dir = path.join(out, "priced");
  if (!(await exists(dir))) return [];
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory() && /^date=\d{4}-\d{2}-\d{2}$/.test(e.name))
    .map((e) => e.name.slice(5))
    .sort();
}

/** Reads the priced rows of `days` from `<out>/priced` into a dataset. */
export async function readPartitions(out: string, days: string[], dataset: Dataset = emptyDataset()): Promise<Dataset> {
  appendColumns(dataset, await readPartitionColumns(out, days, [...DATASET_COLUMNS]));
  return dataset;
}

/**
 * Priced columns added after the first partitions were written: read as nulls from a
 * partition without them (`calls` null: one call; `cache_write_1h_tokens` and its cost null:
 * no 1-hour cache writes).
 */
export const LATER_COLUMNS: ReadonlySet<string> = new Set(["calls", "cache_write_1h_tokens", "cache_write_1h_cost_usd"]);

/** Reads `columns` of the priced partitions of `days`, in day and file order, into column arrays. */
export async function readPartitionColumns(out: string, days: string[], columns: string[]): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = Object.fromEntries(columns.map((c) => [c, []]));
  for (const day of days) {
    const dir = path.join(out, "priced", `date=${day}`);
    for (const file of (await readdir(dir)).filter((f) => f.endsWith(".parquet")).sort()) {
      const { columns: read } = await readParquet(path.join(dir, file), columns, LATER_COLUMNS);
      for (const c of columns) for (const v of read[c]!) result[c]!.push(v);
    }
  }
  return result;
}
