import { readFile, stat } from "node:fs/promises";
import { promisify } from "node:util";
import * as zlib from "node:zlib";
import {
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetReadObjects,
  type AsyncBuffer,
  type Compressors,
  type FileMetaData,
} from "hyparquet";
import { EMPTY_FILE, type RawRecord, type RawRow } from "./raw-record.ts";
import { readError } from "./read-error.ts";
import { toJsonText } from "./to-json-text.ts";

const gunzip = promisify(zlib.gunzip);

/**
 * Page codecs beyond hyparquet's built-in SNAPPY, from node:zlib: GZIP and BROTLI always,
 * ZSTD where this Node has it (22.15+). LZ4 files are reported as unreadable.
 */
const COMPRESSORS: Compressors = {
  GZIP: (input) => zlib.gunzipSync(input),
  BROTLI: (input) => zlib.brotliDecompressSync(input),
};
const zstd = (zlib as unknown as { zstdDecompressSync?: (input: Uint8Array) => Uint8Array }).zstdDecompressSync;
if (zstd) COMPRESSORS.ZSTD = (input) => zstd(input);

/**
 * Reads a Parquet file (`.parquet.gz` is gunzipped in memory first) row group by row
 * group: one item per row, `line` being the 1-based row number and `raw` the row as JSON
 * (computed only when asked for: it is only needed for rejects).
 *
 * - 0 bytes or 0 rows → one item at line 0, `empty file: no rows`;
 * - no readable footer / metadata → one item at line 0, `unreadable Parquet file: …`;
 * - a row group that cannot be decoded → one item at its first row number,
 *   `unreadable Parquet file: row group K (rows A–B): …`, and reading goes on with the
 *   next row group;
 * - a truncated or corrupt gzip → one item at line 1.
 *
 * Never throws for bad content.
 */
export async function* readParquetLogs(file: string, gzip: boolean): AsyncGenerator<RawRecord> {
  let buffer: AsyncBuffer;
  try {
    if ((await stat(file)).size === 0) {
      yield { line: 0, error: EMPTY_FILE, raw: "" };
      return;
    }
    if (gzip) {
      const bytes = await gunzip(await readFile(file));
      buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    } else {
      buffer = await asyncBufferFromFile(file);
    }
  } catch (error) {
    yield readError(error, 1);
    return;
  }
  if (buffer.byteLength === 0) {
    yield { line: 0, error: EMPTY_FILE, raw: "" };
    return;
  }
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    yield { line: 0, error: `unreadable Parquet file: ${(error as Error).message}`, raw: "" };
    return;
  }
  if (Number(metadata.num_rows) === 0) {
    yield { line: 0, error: EMPTY_FILE, raw: "" };
    return;
  }
  let rowStart = 0;
  for (const [index, group] of metadata.row_groups.entries()) {
    const rowEnd = rowStart + Number(group.num_rows);
    let rows: Record<string, unknown>[];
    try {
      rows = await parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd, compressors: COMPRESSORS });
    } catch (error) {
      const where = `row group ${index + 1} (rows ${rowStart + 1}–${rowEnd})`;
      yield { line: rowStart + 1, error: `unreadable Parquet file: ${where}: ${(error as Error).message}`, raw: "" };
      rowStart = rowEnd;
      continue;
    }
    for (let i = 0; i < rows.length; i++) yield new ParquetRow(rowStart + i + 1, rows[i]!);
    rowStart = rowEnd;
  }
}

/** A Parquet row whose JSON text is built only when read. */
class ParquetRow implements RawRow {
  constructor(
    readonly line: number,
    readonly record: Record<string, unknown>,
  ) {}

  get raw(): string {
    return toJsonText(this.record);
  }
}
