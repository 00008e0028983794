/**
 * The downloads page's custom extract: the cube's rows grouped by the chosen fields over
 * its typed columns (pipeline/src/cube/cube-columns.ts), money summed exactly as nano-USD bigints, written as
 * the nightly extracts are: the same columns, row order, number formats and formula
 * neutralising as `toExtractTable` + `extractToCsv` (group-by.test.ts compares the bytes).
 * A filter (the builder's dates, team, model, user, metadata value) is applied to the
 * cube's rows before grouping.
 */
import { CsvBytes, MAX_NUMBER } from "../../../pipeline/src/lib/csv-bytes.ts";
import { csvCell, toCsv } from "../../../pipeline/src/lib/to-csv.ts";
import { extractHeader } from "../../../pipeline/src/extracts/to-extract-table.ts";
import { MEASURES, MEASURE_NAMES } from "../../../pipeline/src/schemas/fields.ts";
import { deriveDim, groupRows, sortGroups, type CubeRows } from "../../../pipeline/src/cube/cube-columns.ts";
import { filterCube, type CubeFilter } from "./cube-query.ts";
import type { Cube } from "./load-cube.ts";

export interface GroupByResult {
  groupBy: string[];
  /** Number of rows (groups). */
  length: number;
  /** Row `i` in extract order (by the group fields, null first): [...group values, ...measures in MEASURES order]. */
  row(i: number): unknown[];
  totalCostNano: bigint;
  /** Calls summed, and the calls among them that could not be priced. */
  requests: number;
  unpricedRequests: number;
  /** The extract as CSV: UTF-8 bytes in pieces, without a byte order mark (the same bytes as `extractToCsv`). */
  csv: Uint8Array[];
}

/** The CSV's size in bytes. */
export const csvBytes = (result: GroupByResult): number => result.csv.reduce((n, piece) => n + piece.length, 0);

/** The cube's rows that pass `filter` (none: every row), grouped by `fields` in that order. */
export async function groupByCube(cube: Cube, fields: string[], filter: CubeFilter = { equals: {} }): Promise<GroupByResult> {
  const filtered = [...(filter.from || filter.to ? ["date"] : []), ...Object.keys(filter.equals)];
  const columns = [...fields.map((f) => (f === "month" ? "date" : f)), ...MEASURE_NAMES, ...filtered];
  const started = performance.now();
  const table = filterCube(await cube.table(columns), filter);
  const grouped = groupTable(table, fields);
  performance.measure("groupby:group and csv", { start: started });
  return grouped;
}

/** Groups cube rows by `fields` (`month` is derived from `date` when the rows have no `month`). */
export function groupTable(table: CubeRows, fields: string[]): GroupByResult {
  if (fields.includes("month") && !table.columns.has("month"))
    table = table.with(
      "month",
      deriveDim(table.dim("date"), (d) => d.slice(0, 7)),
    );
  const dims = fields.map((f) => table.dim(f));
  const groups = groupRows(table, dims, [...MEASURE_NAMES]);
  const order = sortGroups(groups);
  const measures = MEASURES.map(({ name }) => ({ count: groups.counts.get(name), money: groups.money.get(name) }));
  // Each dimension value's CSV cell once, as UTF-8 (neutralised and quoted as extractToCsv writes it).
  const cells = dims.map((d) => CsvBytes.encodeCells(d.values.map((v) => (v === null ? "" : csvCell(v, "text")))));
  // The most bytes a row takes: its longest cells, the numbers and the separators.
  const widest = cells.reduce((n, c) => n + c.widest, 0) + measures.length * (MAX_NUMBER + 1) + dims.length + 1;
  const csv = new CsvBytes();
  const header = CsvBytes.encode(toCsv(extractHeader({ groupBy: fields }), [], []));
  csv.room(header.length);
  csv.bytes(header);
  for (let i = 0; i < groups.length; i++) {
    const g = order[i]!;
    csv.room(widest);
    for (let d = 0; d < dims.length; d++) {
      if (d > 0) csv.comma();
      csv.cell(cells[d]!, groups.codes[d]![g]!);
    }
    for (let m = 0; m < measures.length; m++) {
      if (m > 0 || dims.length > 0) csv.comma();
      const { count, money } = measures[m]!;
      if (money) money.write(g, csv);
      else csv.integer(count![g]!);
    }
    csv.newline();
  }
  const sum = (name: string) => groups.counts.get(name)!.reduce((s, v) => s + v, 0);
  return {
    groupBy: fields,
    length: groups.length,
    row(i: number): unknown[] {
      const g = order[i]!;
      return [
        ...dims.map((d, k) => d.values[groups.codes[k]![g]!] ?? null),
        ...measures.map(({ count, money }) => (money ? money.get(g) : count![g]!)),
      ];
    },
    totalCostNano: groups.money.get("cost_usd")!.total(),
    requests: sum("requests"),
    unpricedRequests: sum("unpriced_requests"),
    csv: csv.result(),
  };
}
