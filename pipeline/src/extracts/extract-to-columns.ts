import type { Column } from "../parquet/write-parquet.ts";
import { MEASURES } from "../schemas/fields.ts";
import { extractHeader, type ExtractTable } from "./to-extract-table.ts";

/** An extract as Parquet columns: group fields as strings, then MEASURES with their kinds. */
export function extractToColumns(extract: ExtractTable): Column[] {
  const width = extract.groupBy.length;
  return extractHeader(extract).map((name, i) => ({
    name,
    kind: i < width ? "string" : MEASURES[i - width]!.kind,
    data: extract.rows.map((row) => row[i]),
  }));
}
