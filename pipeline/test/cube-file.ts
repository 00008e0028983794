/**
 * A cube file as `costs site-data` writes it (ParquetFileWriter: RLE_DICTIONARY text,
 * PLAIN numbers, one DATA_PAGE_V2 per column chunk), from plain cells, for the site's
 * cube reader tests. Row groups of `rowGroupRows` rows, so that tests cover several
 * dictionaries per column.
 */
import { readFileSync, rmSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ParquetFileWriter, type ColumnData } from "../src/parquet/file-writer.ts";
import type { ColumnKind } from "../src/parquet/write-parquet.ts";

export interface CubeFileColumn {
  name: string;
  /** string (as dictionary codes, or PLAIN text with `plain`), int64, money (INT64 DECIMAL) or money_total (16-byte DECIMAL). */
  kind: Extract<ColumnKind, "string" | "int64" | "money" | "money_total">;
  cells: (string | number | bigint | null)[];
  plain?: boolean;
}

export function writeCubeFile(
  columns: CubeFileColumn[],
  options: { rowGroupRows?: number; compression?: "snappy" | "none" } = {},
): ArrayBuffer {
  const dir = mkdtempSync(path.join(tmpdir(), "costs-cube-"));
  const file = path.join(dir, "cube.parquet");
  try {
    const writer = new ParquetFileWriter(
      file,
      columns.map((c) => [c.name, c.kind] as const),
      { compression: options.compression ?? "snappy" },
    );
    const rows = columns[0]?.cells.length ?? 0;
    const step = options.rowGroupRows ?? Math.max(rows, 1);
    for (let start = 0; start < rows; start += step) {
      const end = Math.min(rows, start + step);
      writer.writeRowGroup(
        end - start,
        columns.map((c) => columnData(c, c.cells.slice(start, end))),
      );
    }
    writer.close();
    const bytes = readFileSync(file);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function columnData(column: CubeFileColumn, cells: CubeFileColumn["cells"]): ColumnData {
  if (column.kind === "string") {
    if (column.plain) return { type: "text", values: cells as (string | null)[] };
    const dictionary: string[] = [];
    const ids = new Map<string, number>();
    const codes = Int32Array.from(cells, (v) => {
      if (v === null) return -1;
      let id = ids.get(v as string);
      if (id === undefined) ids.set(v as string, (id = dictionary.push(v as string) - 1));
      return id;
    });
    return { type: "dict", codes, dictionary };
  }
  const nulls = Uint8Array.from(cells, (v) => (v === null ? 1 : 0));
  return { type: "bigint", values: BigInt64Array.from(cells, (v) => BigInt(v ?? 0)), nulls };
}
