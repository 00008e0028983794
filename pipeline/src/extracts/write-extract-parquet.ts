/**
 * An extract as a Parquet file through the columnar writer (parquet/file-writer.ts): group
 * fields dictionary-coded, counts and money as typed arrays, snappy pages, row groups of
 * 262,144 rows (only the last one shorter: each row group carries its own dictionaries,
 * which the site's browser decodes); the same schema and values as `writeParquet(extractToColumns(extract))`,
 * without a JavaScript value per cell in the writer. `ExtractParquetWriter` takes the rows
 * in pieces (the site's cube, one day at a time), so the whole extract is never in memory.
 * Money totals are written as 64-bit nano-USD: a group past ±9.2 billion USD is refused.
 */
import type { ColumnData } from "../parquet/file-writer.ts";
import { ParquetFileWriter } from "../parquet/file-writer.ts";
import type { ColumnKind } from "../parquet/write-parquet.ts";
import { PipelineError } from "../lib/errors.ts";
import { formatNano } from "../pricing/money.ts";
import { MEASURES } from "../schemas/fields.ts";
import { extractHeader, type ExtractTable } from "./to-extract-table.ts";

const ROW_GROUP = 262_144;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export class ExtractParquetWriter {
  private readonly schema: Array<readonly [string, ColumnKind]>;
  private readonly writer: ParquetFileWriter;
  private pending: unknown[][] = [];
  rows = 0;

  constructor(
    private readonly file: string,
    groupBy: readonly string[],
    metadata: Record<string, string>,
  ) {
    const width = groupBy.length;
    this.schema = extractHeader({ groupBy: [...groupBy] }).map(
      (name, i) => [name, i < width ? "string" : MEASURES[i - width]!.kind] as const,
    );
    this.writer = new ParquetFileWriter(file, this.schema, { metadata, compression: "snappy", createdBy: "gateway-costs" });
  }

  /** Appends rows in extract order (group fields, then MEASURES). */
  append(rows: readonly unknown[][]): void {
    for (const row of rows) this.pending.push(row);
    this.rows += rows.length;
    if (this.pending.length >= ROW_GROUP) this.flush(false);
  }

  close(): void {
    this.flush(true);
    this.writer.close();
  }

  abort(): void {
    this.writer.abort();
  }

  /** Writes the full row groups pending, and with `last` the rest. */
  private flush(last: boolean): void {
    const rows = this.pending;
    const end = last ? rows.length : rows.length - (rows.length % ROW_GROUP);
    this.pending = rows.slice(end);
    for (let start = 0; start < end; start += ROW_GROUP) {
      const group = rows.slice(start, Math.min(end, start + ROW_GROUP));
      this.writer.writeRowGroup(
        group.length,
        this.schema.map(([name, kind], c) => this.column(group, name, kind, c)),
      );
    }
  }

  private column(rows: unknown[][], name: string, kind: ColumnKind, c: number): ColumnData {
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
    if (kind === "money_total") {
      return {
        type: "bigint",
        values: BigInt64Array.from(rows, (row) => {
          const v = row[c] as bigint;
          if (v < INT64_MIN || v > INT64_MAX) {
            throw new PipelineError({
              file: this.file,
              field: name,
              message: `a group totals ${formatNano(v)} USD, past what this file holds (±9.2 billion USD)`,
            });
          }
          return v;
        }),
      };
    }
    return { type: "number", values: Float64Array.from(rows, (row) => row[c] as number) };
  }
}

/** Writes a whole extract (see ExtractParquetWriter). */
export function writeExtractParquet(file: string, extract: ExtractTable, metadata: Record<string, string>): void {
  const writer = new ExtractParquetWriter(file, extract.groupBy, metadata);
  try {
    writer.append(extract.rows);
    writer.close();
  } catch (error) {
    writer.abort();
    throw error;
  }
}
