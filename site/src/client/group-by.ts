/**
 * The downloads page's custom extract: the cube grouped by the chosen fields with
 * Arquero, money summed exactly as BigInt nano-USD, written as CSV by the pipeline's own
 * extract writer (same columns, order and formula neutralising as the nightly extracts).
 */
import * as aq from "arquero";
import { extractToCsv, MEASURES } from "../../../pipeline/src/stages/write/extracts.ts";
import { compareKeys } from "./cube-query.ts";
import type { Cube } from "./load-cube.ts";

const { op } = aq;

/** The measures of every extract (the pipeline's MEASURES), summed; money as bigint. */
const SUMS = Object.fromEntries(MEASURES.map(([name]) => [name, op.sum(name)]));

export interface GroupByResult {
  groupBy: string[];
  rows: unknown[][];
  totalCostNano: bigint;
  csv: string;
}

export async function groupByCube(cube: Cube, fields: string[]): Promise<GroupByResult> {
  const columns = [...fields.map((f) => (f === "month" ? "date" : f)), ...Object.keys(SUMS)];
  let table = await cube.table(columns);
  if (fields.includes("month")) table = table.derive({ month: "d => op.substring(d.date, 0, 7)" }) as aq.ColumnTable;
  return groupTable(table, fields);
}

/** Groups an Arquero table of cube columns by `fields` (month derived from date beforehand). */
export function groupTable(table: aq.ColumnTable, fields: string[]): GroupByResult {
  const sums = SUMS;
  const grouped = (fields.length ? table.groupby(...fields) : table).rollup(sums);
  const keyColumns = fields.map((f) => grouped.array(f) as unknown as (string | null)[]);
  const measureColumns = Object.keys(sums).map((m) => grouped.array(m) as unknown as unknown[]);
  const rows: unknown[][] = [];
  let total = 0n;
  for (let r = 0; r < grouped.numRows(); r++) {
    const row: unknown[] = keyColumns.map((k) => k[r] ?? null);
    measureColumns.forEach((values, m) => {
      const v = values[r];
      row.push(m === 5 || m === 6 ? (typeof v === "bigint" ? v : 0n) : Number(v ?? 0));
    });
    total += row[fields.length + 5] as bigint;
    rows.push(row);
  }
  rows.sort((a, b) => {
    for (let i = 0; i < fields.length; i++) {
      const c = compareKeys(a[i] as string | null, b[i] as string | null);
      if (c !== 0) return c;
    }
    return 0;
  });
  const extract = { groupBy: fields, rows, totalCostNano: total };
  return { ...extract, csv: extractToCsv(extract) };
}
