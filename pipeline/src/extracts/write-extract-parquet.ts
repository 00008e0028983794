/**
 * An extract as a Parquet file through the columnar writer (parquet/file-writer.ts): group
 * fields dictionary-coded, counts and money as typed arrays, snappy pages, row groups of
 * 100,000 rows; the same schema and values as `writeParquet(extractToColumns(extract))`,
 * without a JavaScript value per cell in the writer. For large extracts (the site's cube);
 * a money total outside the 64-bit range goes through `writeParquet` instead.
 */
import type { ColumnData } from "../parquet/file-writer.ts";
import { ParquetFileWriter } from "../parquet/file-writer.ts";
import { writeParquet } from "../parquet/write-parquet.ts";
import { MEASURES } from "../schemas/fields.ts";
import { extractToColumns } from "./extract-to-columns.ts";
import { extractHeader, type ExtractTable } from "./to-extract-table.ts";

const ROW_GROUP = 100_000;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export async function writeExtractParquet(file: string, extract: ExtractTable, metadata: Record<string, string>): Promise<void> {
  const width = extract.groupBy.length;
  const fits = extract.rows.every((row) =>
    MEASURES.every(
      (m, i) => m.kind !== "money_total" || ((row[width + i] as bigint) >= INT64_MIN && (row[width + i] as bigint) <= INT64_MAX),
    ),
  );
  if (!fits || new Set(extract.groupBy).size !== width) {
    await writeParquet(file, extractToColumns(extract), metadata);
    return;
  }
  const schema = extractHeader(extract).map((name, i) => [name, i < width ? "string" : MEASURES[i - width]!.kind] as const);
  const writer = new ParquetFileWriter(file, schema, { metadata, compression: "snappy", createdBy: "gateway-costs" });
  try {
    for (let start = 0; start < extract.rows.length; start += ROW_GROUP) {
      const rows = extract.rows.slice(start, start + ROW_GROUP);
      const columns = schema.map(([, kind], c): ColumnData => {
        if (kind === "string") {
          const ids = new Map<string, number>();
          const dictionary: string[] = [];
          const codes = Int32Array.from(rows, (row) => {
            const v = row[c] as string | null;
            if (v === null) return -1;
            let id = ids.get(v);
            if (id === undefined) ids.set(v, (id = dictionary.push(v) - 1));
            return id;
          });
          return { type: "dict", codes, dictionary };
        }
        if (kind === "money_total") return { type: "bigint", values: BigInt64Array.from(rows, (row) => row[c] as bigint) };
        return { type: "number", values: Float64Array.from(rows, (row) => row[c] as number) };
      });
      writer.writeRowGroup(rows.length, columns);
    }
  } catch (error) {
    writer.abort();
    throw error;
  }
  writer.close();
}
