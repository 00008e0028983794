/**
 * Reads the cube (`data/cube.parquet`, written by `costs site-data`) in the browser, column
 * by column on demand, into typed columns (pipeline/src/cube/: cube-columns.ts, read by
 * read-cube-parquet.ts). Money
 * stays exact nano-USD (DECIMAL scale 9, never a float of dollars). The file is fetched once
 * per page; each column is decoded once, when a question first needs it.
 */
import { parquetMetadata } from "hyparquet";
import { CubeRows, type Column } from "../../../pipeline/src/cube/cube-columns.ts";
import { kindOf, readCubeColumns } from "../../../pipeline/src/cube/read-cube-parquet.ts";

export interface Cube {
  /** Dimension columns (text): date, team, model, …, metadata.<key>. */
  dimensions: string[];
  /** Measure columns: counts, then money. */
  measures: string[];
  /** Columns holding nano-USD amounts. */
  money: string[];
  rows: number;
  bytes: number;
  /** Milliseconds to fetch the file and read its metadata. */
  ms: number;
  /** Every row of the cube with these columns (decoded on first use, then cached). */
  table(columns: Iterable<string>): Promise<CubeRows>;
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
  return cubeFromBuffer(buffer, started);
}

/** The cube in `buffer` (a Parquet file); `started` is when its fetch began. */
export function cubeFromBuffer(buffer: ArrayBuffer, started = performance.now()): Cube {
  const metadata = parquetMetadata(buffer);
  const dimensions: string[] = [];
  const counts: string[] = [];
  const money: string[] = [];
  for (const element of metadata.schema.slice(1)) {
    const kind = kindOf(element);
    (kind === "dim" ? dimensions : kind === "count" ? counts : money).push(element.name);
  }
  const known = new Set(metadata.schema.slice(1).map((e) => e.name));
  const rows = Number(metadata.num_rows);
  const decoded = new Map<string, Promise<Column>>();

  /** Decodes the columns not decoded yet (each once; concurrent questions share the work). */
  function decode(names: string[]): void {
    const missing = names.filter((n) => !decoded.has(n));
    if (missing.length === 0) return;
    const done = readCubeColumns(buffer, metadata, missing);
    for (const name of missing)
      decoded.set(
        name,
        done.then((columns) => columns.get(name)!),
      );
  }

  return {
    dimensions,
    measures: [...counts, ...money],
    money,
    rows,
    bytes: buffer.byteLength,
    ms: performance.now() - started,
    async table(wanted) {
      const names = [...new Set(wanted)];
      const unknown = names.filter((n) => !known.has(n));
      if (unknown.length) throw new Error(`the cube has no column ${unknown.join(", ")} (columns: ${[...known].join(", ")})`);
      const decodeStart = performance.now();
      decode(names);
      const columns = await Promise.all(names.map((n) => decoded.get(n)!));
      performance.measure(`cube:decode ${names.length} columns`, { start: decodeStart });
      return new CubeRows(new Map(names.map((n, i) => [n, columns[i]!])), null, rows);
    },
  };
}
