/**
 * Reads the cube (`data/cube.parquet`, written by `costs site-data`) in the browser with
 * hyparquet, column by column on demand, into Arquero tables. Money stays exact: the
 * DECIMAL type is stripped from the metadata so hyparquet hands over the unscaled
 * integers (as pipeline/src/parquet/read-parquet.ts does in Node), which become
 * BigInt nano-USD. Counts (INT64) become numbers. The file is fetched once per page;
 * each column is decoded once, when a question first needs it.
 */
import * as aq from "arquero";
import { parquetMetadata, parquetRead } from "hyparquet";

export interface Cube {
  /** Dimension columns (text): date, team, model, …, metadata.<key>. */
  dimensions: string[];
  /** Measure columns: counts, then money. */
  measures: string[];
  /** Columns holding nano-USD bigints. */
  money: string[];
  rows: number;
  bytes: number;
  /** Milliseconds to fetch the file and read its metadata. */
  ms: number;
  /** An Arquero table of these columns (decoded on first use, then cached). */
  table(columns: Iterable<string>): Promise<aq.ColumnTable>;
}

let pending: Promise<Cube> | undefined;

/** Fetches the cube once per page; later calls share it. */
export function loadCube(url: string): Promise<Cube> {
  pending ??= openCube(url).catch((error) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

async function openCube(url: string): Promise<Cube> {
  const started = performance.now();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load ${url}: HTTP ${response.status}`);
  const buffer = await response.arrayBuffer();
  performance.measure("cube:fetch", { start: started });
  const metadata = parquetMetadata(buffer);
  const money = new Map<string, "fixed" | "int">();
  const counts = new Set<string>();
  const dimensions: string[] = [];
  const schema = metadata.schema.map((element, i) => {
    if (i === 0) return element;
    if (element.converted_type === "DECIMAL" || element.logical_type?.type === "DECIMAL") {
      if ((element.scale ?? 0) !== 9) throw new Error(`cube column ${element.name}: expected DECIMAL scale 9, got ${element.scale}`);
      money.set(element.name, element.type === "FIXED_LEN_BYTE_ARRAY" ? "fixed" : "int");
      const { converted_type: _c, logical_type: _l, ...raw } = element;
      return raw;
    }
    if (element.type === "INT64" || element.type === "INT32" || element.type === "DOUBLE") counts.add(element.name);
    else dimensions.push(element.name);
    return element;
  });
  const raw = { ...metadata, schema };
  const rows = Number(metadata.num_rows);
  const known = new Set(schema.slice(1).map((e) => e.name));
  const decoded = new Map<string, Promise<ArrayLike<unknown>>>();

  /**
   * Decodes the columns not decoded yet, in one pass over the file. Money read as 64-bit
   * integers stays in a BigInt64Array and counts go to a Float64Array (no JavaScript value
   * per cell; a bigint is made only when a query reads the cell); a money column with an
   * absent value falls back to an array of bigints and nulls.
   */
  function decode(names: string[]): void {
    const missing = names.filter((n) => !decoded.has(n));
    if (missing.length === 0) return;
    const columns = new Map<string, ArrayLike<unknown> & { [i: number]: unknown }>();
    for (const n of missing) {
      const kind = money.get(n);
      columns.set(n, kind === "int" ? new BigInt64Array(rows) : counts.has(n) ? new Float64Array(rows) : new Array(rows));
    }
    const done = parquetRead({
      file: buffer,
      metadata: raw,
      columns: missing,
      onChunk: ({ columnName, columnData, rowStart }) => {
        let target = columns.get(columnName)!;
        const kind = money.get(columnName);
        const n = columnData.length;
        if (target instanceof BigInt64Array) {
          if (columnData instanceof BigInt64Array) {
            target.set(columnData, rowStart);
            return;
          }
          target = Array.from(target, (v) => v as unknown);
          columns.set(columnName, target);
        }
        if (target instanceof Float64Array) for (let i = 0; i < n; i++) target[rowStart + i] = Number(columnData[i] ?? 0);
        else if (kind === "fixed") for (let i = 0; i < n; i++) target[rowStart + i] = fromFixed(columnData[i] as Uint8Array | null);
        else if (kind === "int")
          for (let i = 0; i < n; i++)
            target[rowStart + i] = columnData[i] === null || columnData[i] === undefined ? null : BigInt(columnData[i] as bigint);
        else for (let i = 0; i < n; i++) target[rowStart + i] = columnData[i] ?? null;
      },
    });
    for (const name of missing)
      decoded.set(
        name,
        done.then(() => columns.get(name)!),
      );
  }

  return {
    dimensions,
    measures: [...counts, ...money.keys()],
    money: [...money.keys()],
    rows,
    bytes: buffer.byteLength,
    ms: performance.now() - started,
    async table(wanted) {
      const names = [...new Set(wanted)];
      const unknown = names.filter((n) => !known.has(n));
      if (unknown.length) throw new Error(`the cube has no column ${unknown.join(", ")} (columns: ${[...known].join(", ")})`);
      const decodeStart = performance.now();
      decode(names);
      const data = await Promise.all(names.map((n) => decoded.get(n)!));
      performance.measure(`cube:decode ${names.length} columns`, { start: decodeStart });
      return aq.table(Object.fromEntries(names.map((n, i) => [n, data[i]!])));
    },
  };
}

/** A big-endian two's-complement integer (DECIMAL on FIXED_LEN_BYTE_ARRAY) as a bigint. */
export function fromFixed(bytes: Uint8Array | null | undefined): bigint | null {
  if (bytes === null || bytes === undefined) return null;
  if (bytes.length === 16) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
    const high = view.getBigInt64(0);
    const low = view.getBigUint64(8);
    return high === 0n ? low : (high << 64n) | low;
  }
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  if (bytes.length > 0 && bytes[0]! & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}
