/**
 * Grouped rows → extract rows: the one place that turns columns already grouped to an
 * extract's grain (by the run's rollups, by Arquero in `computeExtract`, or by Arquero in
 * the site's browser) into the rows every extract, the cube and the site's custom
 * extract write. Columns are found by name: the group fields, then MEASURES. Node-free:
 * the site's browser code loads it.
 */
import { MEASURES, type MeasureName } from "../schemas/fields.ts";

export interface ExtractTable {
  groupBy: string[];
  /** Rows sorted by the group fields (null first), each [...group values, ...measures in MEASURES order]. */
  rows: unknown[][];
  totalCostNano: bigint;
}

/** Columns by name, `length` entries each: one entry per group. */
export type GroupedColumns = { readonly [name: string]: ArrayLike<unknown> | number | undefined } & { length: number };

/**
 * Extract rows from grouped columns: a missing or non-bigint money value counts as 0n
 * (an unpriced group sums no cost), a missing count as 0. Rows are sorted by the group
 * fields, null first, then by code unit order; the total is the exact sum of `cost_usd`.
 */
export function toExtractTable(grouped: GroupedColumns, groupBy: string[]): ExtractTable {
  const column = (name: string): ArrayLike<unknown> => {
    const values = grouped[name];
    if (typeof values !== "object" || values === null) throw new Error(`grouped columns have no ${name}`);
    return values;
  };
  const keys = groupBy.map(column);
  const measures = MEASURES.map(({ name, kind }) => ({ values: column(name), money: kind === "money_total" }));
  const rows: unknown[][] = [];
  let total = 0n;
  const cost = groupBy.length + measureIndex("cost_usd");
  for (let r = 0; r < grouped.length; r++) {
    const row: unknown[] = keys.map((k) => k[r] ?? null);
    for (const { values, money } of measures) {
      const v = values[r];
      row.push(money ? (typeof v === "bigint" ? v : 0n) : Number(v ?? 0));
    }
    total += row[cost] as bigint;
    rows.push(row);
  }
  const width = groupBy.length;
  rows.sort((a, b) => {
    for (let i = 0; i < width; i++) {
      const c = compareKeys(a[i] as string | null, b[i] as string | null);
      if (c !== 0) return c;
    }
    return 0;
  });
  return { groupBy, rows, totalCostNano: total };
}

/** Where a measure is among an extract row's measures (add the group fields' count for its index in a row). */
export function measureIndex(name: MeasureName): number {
  return MEASURES.findIndex((m) => m.name === name);
}

/** The value of a measure in an extract row. */
export function measureOf<N extends MeasureName>(
  extract: ExtractTable,
  row: unknown[],
  name: N,
): N extends "cost_usd" | "list_cost_usd" ? bigint : number {
  return row[extract.groupBy.length + measureIndex(name)] as never;
}

/** An extract's header: the group fields, then the measures. */
export function extractHeader(extract: Pick<ExtractTable, "groupBy">): string[] {
  return [...extract.groupBy, ...MEASURES.map((m) => m.name)];
}

/** Group values in extract order: null first, then by UTF-16 code units. */
export function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
