import { mkdirSync } from "node:fs";
import path from "node:path";
import { ParquetFileWriter, type ColumnData } from "../parquet/file-writer.ts";
import { PRICED_COLUMNS } from "../dataset/priced-columns.ts";

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
    /** Page codec of the files (`costs run --parquet-compression`). */
    private readonly compression: "none" | "snappy" = "none",
  ) {}

  write(day: string, rows: number, columns: ColumnData[]): void {
    let entry = this.writers.get(day);
    if (!entry) {
      const relative = `priced/date=${day}/part-00000.parquet`;
      const file = this.stagingPath(relative);
      mkdirSync(path.dirname(file), { recursive: true });
      entry = {
        writer: new ParquetFileWriter(file, PRICED_COLUMNS, {
          metadata: this.metadata,
          createdBy: "gateway-costs",
          compression: this.compression,
        }),
        relative,
        rows: 0,
      };
      this.writers.set(day, entry);
    }
    entry.writer.writeRowGroup(rows, columns);
    entry.rows += rows;
  }

  get days(): string[] {
    return [...this.writers.keys()].sort();
  }

  /** Closes every file; the days with their relative path, row count, size and sha256, sorted by day. */
  close(): Array<{ day: string; relative: string; rows: number; bytes: number; sha256?: string }> {
    const closed = this.days.map((day) => {
      const { writer, relative, rows } = this.writers.get(day)!;
      const bytes = writer.close();
      return { day, relative, rows, bytes, ...(writer.sha256 ? { sha256: writer.sha256 } : {}) };
    });
    this.writers.clear();
    return closed;
  }

  abort(): void {
    for (const { writer } of this.writers.values()) writer.abort();
    this.writers.clear();
  }
}

/** The rows of `columns` whose `drop` flag is 0 (duplicates are few: kept rows are copied run by run). */
export function keepRows(columns: ColumnData[], rows: number, drop: Uint8Array): { rows: number; columns: ColumnData[] } {
  const runs: number[] = []; // [start, end) pairs of kept rows
  for (let r = 0; r < rows;) {
    while (r < rows && drop[r]) r++;
    const start = r;
    while (r < rows && !drop[r]) r++;
    if (r > start) runs.push(start, r);
  }
  let kept = 0;
  for (let i = 0; i < runs.length; i += 2) kept += runs[i + 1]! - runs[i]!;
  const pick = <T extends Int32Array | Float64Array | BigInt64Array | Uint8Array>(a: T): T => {
    const b = new (a.constructor as new (n: number) => T)(kept);
    for (let i = 0, at = 0; i < runs.length; i += 2) {
      b.set(a.subarray(runs[i]!, runs[i + 1]!) as never, at);
      at += runs[i + 1]! - runs[i]!;
    }
    return b;
  };
  return {
    rows: kept,
    columns: columns.map((c): ColumnData => {
      switch (c.type) {
        case "dict":
          return { type: "dict", codes: pick(c.codes), dictionary: c.dictionary };
        case "text": {
          const values: Array<string | null> = [];
          for (let i = 0; i < runs.length; i += 2) for (let r = runs[i]!; r < runs[i + 1]!; r++) values.push(c.values[r] ?? null);
          return { type: "text", values };
        }
        case "bytes": {
          const offsets = new Int32Array(kept + 1);
          const parts: Uint8Array[] = [];
          let at = 0;
          let row = 0;
          for (let i = 0; i < runs.length; i += 2) {
            const from = c.offsets[runs[i]!]!;
            parts.push(c.data.subarray(from, c.offsets[runs[i + 1]!]!));
            for (let r = runs[i]!; r < runs[i + 1]!; r++) offsets[++row] = at + c.offsets[r + 1]! - from;
            at = offsets[row]!;
          }
          const data = new Uint8Array(at);
          let o = 0;
          for (const part of parts) {
            data.set(part, o);
            o += part.length;
          }
          return { type: "bytes", data, offsets, ...(c.nulls ? { nulls: pick(c.nulls) } : {}) };
        }
        default:
          return { ...c, values: pick(c.values as never), ...(c.nulls ? { nulls: pick(c.nulls) } : {}) } as ColumnData;
      }
    }),
  };
}
