/**
 * The downloads page's custom extract: the cube grouped by the chosen fields with
 * Arquero, money summed exactly as BigInt nano-USD, turned into extract rows and CSV by
 * the pipeline's own functions (`toExtractTable`, `extractToCsv`: same columns, order and
 * formula neutralising as the nightly extracts). A filter (the builder's dates, team,
 * model, user, metadata value) is applied to the cube's rows before grouping.
 */
import * as aq from "arquero";
import { extractToCsv } from "../../../pipeline/src/extracts/extract-to-csv.ts";
import { toExtractTable } from "../../../pipeline/src/extracts/to-extract-table.ts";
import { MEASURE_NAMES } from "../../../pipeline/src/schemas/fields.ts";
import { filterCube, SUMS, type CubeFilter } from "./cube-query.ts";
import type { Cube } from "./load-cube.ts";

export interface GroupByResult {
  groupBy: string[];
  rows: unknown[][];
  totalCostNano: bigint;
  csv: string;
}

/** The cube's rows that pass `filter` (none: every row), grouped by `fields` in that order. */
export async function groupByCube(cube: Cube, fields: string[], filter: CubeFilter = { equals: {} }): Promise<GroupByResult> {
  const filtered = [...(filter.from || filter.to ? ["date"] : []), ...Object.keys(filter.equals)];
  const columns = [...fields.map((f) => (f === "month" ? "date" : f)), ...MEASURE_NAMES, ...filtered];
  let table = filterCube(await cube.table(columns), filter);
  if (fields.includes("month")) table = table.derive({ month: "d => op.substring(d.date, 0, 7)" }) as aq.ColumnTable;
  return groupTable(table, fields);
}

/** Groups an Arquero table of cube columns by `fields` (month derived from date beforehand). */
export function groupTable(table: aq.ColumnTable, fields: string[]): GroupByResult {
  const grouped = (fields.length ? table.groupby(...fields) : table).rollup(SUMS);
  const columns = Object.fromEntries([...fields, ...MEASURE_NAMES].map((name) => [name, grouped.array(name) as unknown as unknown[]]));
  const extract = toExtractTable(Object.assign(columns, { length: grouped.numRows() }), fields);
  return { ...extract, csv: extractToCsv(extract) };
}
