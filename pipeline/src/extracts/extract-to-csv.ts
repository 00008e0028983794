import { formatNano } from "../pricing/money.ts";
import { toCsv, UTF8_BOM, type CsvKind } from "../lib/to-csv.ts";
import { MEASURES } from "../schemas/fields.ts";
import { extractHeader, type ExtractTable } from "./to-extract-table.ts";

/**
 * An extract as CSV: group fields as text (formulas neutralised), counts as numbers, money
 * as exact decimals; with `bom`, the UTF-8 byte order mark first.
 */
export function extractToCsv(extract: ExtractTable, bom = false): string {
  const width = extract.groupBy.length;
  const kinds: CsvKind[] = extractHeader(extract).map((_, i) => (i < width ? "text" : "number"));
  const money = MEASURES.map((m) => m.kind === "money_total");
  const csv = toCsv(
    extractHeader(extract),
    kinds,
    extract.rows.map((row) => row.map((v, i) => (i >= width && money[i - width] ? formatNano(v as bigint) : v))),
  );
  return bom ? UTF8_BOM + csv : csv;
}
