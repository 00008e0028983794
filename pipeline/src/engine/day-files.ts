import { mkdirSync } from "node:fs";
import path from "node:path";
import { ParquetFileWriter, type ColumnData } from "../stages/write/parquet-file-writer.ts";
import { PRICED_COLUMNS } from "../stages/write/priced-schema.ts";

/**
 * The run's priced Parquet files, one per UTC day (`priced/date=YYYY-MM-DD/part-00000.parquet`,
 * Hive-style), written under the staging folder as segments arrive: each segment becomes
 * a row group, so memory holds one segment at a time whatever the input size.
 */
export class DayFiles {
  private readonly writers = new Map<string, { writer: ParquetFileWriter; relative: string; rows: number }>();

  constructor(
    private readonly stagingPath: (relative: string) => string,
    private readonly metadata: Record<string, string>,
  ) {}

  write(day: string, rows: number, columns: ColumnData[]): void {
    let entry = this.writers.get(day);
    if (!entry) {
      const relative = `priced/date=${day}/part-00000.parquet`;
      const file = this.stagingPath(relative);
      mkdirSync(path.dirname(file), { recursive: true });
      entry = { writer: new ParquetFileWriter(file, PRICED_COLUMNS, { metadata: this.metadata, createdBy: "gateway-costs" }), relative, rows: 0 };
      this.writers.set(day, entry);
    }
    entry.writer.writeRowGroup(rows, columns);
    entry.rows += rows;
  }

  get days(): string[] {
    return [...this.writers.keys()].sort();
  }

  /** Closes every file; the days with their relative path and row count, sorted by day. */
  close(): Array<{ day: string; relative: string; rows: number }> {
    const closed = this.days.map((day) => {
      const { writer, relative, rows } = this.writers.get(day)!;
      writer.close();
      return { day, relative, rows };
    });
    this.writers.clear();
    return closed;
  }

  abort(): void {
    for (const { writer } of this.writers.values()) writer.abort();
    this.writers.clear();
  }
}

/** The rows of `columns` whose `drop` flag is 0. */
export function keepRows(columns: ColumnData[], rows: number, drop: Uint8Array): { rows: number; columns: ColumnData[] } {
  const keep: number[] = [];
  for (let r = 0; r < rows; r++) if (drop[r] === 0) keep.push(r);
  const pick = <T extends Int32Array | Float64Array | BigInt64Array | Uint8Array>(a: T): T => {
    const b = new (a.constructor as new (n: number) => T)(keep.length);
    for (let i = 0; i < keep.length; i++) b[i] = a[keep[i]!]!;
    return b;
  };
  return {
    rows: keep.length,
    columns: columns.map((c): ColumnData => {
      switch (c.type) {
        case "dict":
          return { type: "dict", codes: pick(c.codes), dictionary: c.dictionary };
        case "text":
          return { type: "text", values: keep.map((r) => c.values[r] ?? null) };
        case "bytes": {
          const offsets = new Int32Array(keep.length + 1);
          let size = 0;
          for (const r of keep) size += c.offsets[r + 1]! - c.offsets[r]!;
          const data = new Uint8Array(size);
          keep.forEach((r, i) => {
            data.set(c.data.subarray(c.offsets[r]!, c.offsets[r + 1]!), offsets[i]!);
            offsets[i + 1] = offsets[i]! + c.offsets[r + 1]! - c.offsets[r]!;
          });
          return { type: "bytes", data, offsets, ...(c.nulls ? { nulls: pick(c.nulls) } : {}) };
        }
        default:
          return { ...c, values: pick(c.values as never), ...(c.nulls ? { nulls: pick(c.nulls) } : {}) } as ColumnData;
      }
    }),
  };
}
