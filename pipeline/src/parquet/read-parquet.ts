import { readFile } from "node:fs/promises";
import { parquetMetadata, parquetRead, type FileMetaData } from "hyparquet";

/**
 * Reads a Parquet file into columns. DECIMAL columns come back exact, as the bigint of
 * their unscaled value (nano-USD for the project's money columns, scale 9), instead of
 * the binary float a generic reader would give. Timestamps come back as epoch ms. A column
 * named in `optional` that the file does not have (written before the column existed)
 * comes back as nulls; any other missing column is an error.
 */
export async function readParquet(
  file: string,
  columns?: string[],
  optional?: ReadonlySet<string>,
): Promise<{ rowCount: number; columns: Record<string, unknown[]> }> {
  const opened = await openParquet(file);
  const rowCount = Number(opened.metadata.num_rows);
  const has = new Set(opened.raw.schema.slice(1).map((e) => e.name));
  const absent = (columns ?? []).filter((c) => optional?.has(c) && !has.has(c));
  if (absent.length === 0) return { rowCount, columns: await readRows(opened, columns) };
  const read = await readRows(
    opened,
    columns!.filter((c) => !absent.includes(c)),
  );
  for (const c of absent) read[c] = new Array<null>(rowCount).fill(null);
  return { rowCount, columns: read };
}

/**
 * The same, one row group at a time (in file order): what `costs restate` reads a priced
 * partition with, so memory holds one row group and the rewritten file keeps its row
 * groups. `columns` are the file's column names, to check before reading.
 */
export async function openParquetRowGroups(file: string): Promise<{
  columns: string[];
  rowGroups: (columns: string[]) => AsyncGenerator<{ rowStart: number; rowCount: number; columns: Record<string, unknown[]> }>;
}> {
  const opened = await openParquet(file);
  return {
    columns: opened.raw.schema.slice(1).map((e) => e.name),
    rowGroups: async function* (columns) {
      let rowStart = 0;
      for (const group of opened.metadata.row_groups) {
        const rowCount = Number(group.num_rows);
        yield { rowStart, rowCount, columns: await readRows(opened, columns, rowStart, rowStart + rowCount) };
        rowStart += rowCount;
      }
    },
  };
}

interface OpenedParquet {
  buffer: ArrayBuffer;
  metadata: FileMetaData;
  /** The metadata with DECIMAL annotations removed, so hyparquet returns the raw integers. */
  raw: FileMetaData;
  decimals: Map<string, { scale: number; fixed: boolean }>;
}

async function openParquet(file: string): Promise<OpenedParquet> {
  const bytes = await readFile(file);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(buffer);
  const decimals = new Map<string, { scale: number; fixed: boolean }>();
  // Ask hyparquet for the raw integers of DECIMAL columns.
  const schema = metadata.schema.map((element) => {
    if (element.converted_type !== "DECIMAL" && element.logical_type?.type !== "DECIMAL") return element;
    decimals.set(element.name, { scale: element.scale ?? 0, fixed: element.type === "FIXED_LEN_BYTE_ARRAY" });
    const { converted_type: _c, logical_type: _l, ...raw } = element;
    return raw;
  });
  return { buffer, metadata, raw: { ...metadata, schema }, decimals };
}

async function readRows(opened: OpenedParquet, columns?: string[], rowStart?: number, rowEnd?: number): Promise<Record<string, unknown[]>> {
  const { buffer, metadata, raw, decimals } = opened;
  const names = columns ?? raw.schema.slice(1).map((e) => e.name);
  const out: Record<string, unknown[]> = Object.fromEntries(names.map((n) => [n, []]));
  await parquetRead({
    file: buffer,
    metadata: raw,
    columns: names,
    rowFormat: "array",
    ...(rowStart === undefined ? {} : { rowStart, rowEnd }),
    onComplete: (rows: unknown[][]) => {
      for (const row of rows) {
        names.forEach((name, i) => out[name]!.push(row[i]));
      }
    },
  });
  for (const [name, { fixed }] of decimals) {
    const values = out[name];
    if (!values) continue;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === null || v === undefined) values[i] = null;
      else if (fixed) values[i] = fromTwosComplement(v as Uint8Array);
      else values[i] = BigInt(v as bigint | number);
    }
  }
  for (const element of metadata.schema) {
    if (element.converted_type === "TIMESTAMP_MILLIS" || element.logical_type?.type === "TIMESTAMP") {
      const values = out[element.name];
      if (values) for (let i = 0; i < values.length; i++) if (values[i] instanceof Date) values[i] = (values[i] as Date).getTime();
    }
  }
  return out;
}

function fromTwosComplement(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  if (bytes.length > 0 && bytes[0]! & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}
