/**
 * Reads the cube (`data/cube.parquet`, written by `costs site-data`) in the browser, column
 * by column on demand, into typed columns (pipeline/src/cube/: cube-columns.ts, read by
 * read-cube-parquet.ts). Money
 * stays exact nano-USD (DECIMAL scale 9, never a float of dollars). Each file is fetched once
 * per page; each column is decoded once, when a question first needs it. A filter on one
 * user or metadata value reads only that value's shard (`cubeUrlFor`), when the site has
 * shards (a large cube: pipeline/src/site-data/write-cube-shards.ts).
 */
import { parquetMetadata } from "hyparquet";
import { CubeRows, type Column } from "../../../pipeline/src/cube/cube-columns.ts";
import { kindOf, readCubeColumns } from "../../../pipeline/src/cube/read-cube-parquet.ts";
import { shardOf } from "../../../pipeline/src/cube/shard-of.ts";
import { MEASURE_NAMES } from "../../../pipeline/src/schemas/fields.ts";
import type { CubeFilter } from "./cube-query.ts";

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

/** A dimension's shards as a page links them (downloads.json `cube.shards`, hrefs resolved). */
export interface CubeShardLink {
  dimension: string;
  count: number;
  /** Shard i is `<href>i.parquet` (i = count: the absent value's rows). */
  href: string;
  /** Rows of all the shards together (the cube's). */
  rows: number;
  /** Every value of the dimension, costliest first: its breakdown table's rows (pages/tables). */
  values: string;
}

/** The cube's smaller files as a page links them (downloads.json `cube`, hrefs resolved). */
export interface CubeParts {
  href: string;
  rows: number;
  shards: CubeShardLink[];
  projections: { dimensions: string[]; href: string; rows: number }[];
}

const pending = new Map<string, Promise<Cube>>();

/** Fetches a cube file once per page; later calls share it. */
export function loadCube(url: string): Promise<Cube> {
  let cube = pending.get(url);
  if (!cube) {
    cube = openCube(url).catch((error) => {
      pending.delete(url);
      throw error;
    });
    pending.set(url, cube);
  }
  return cube;
}

/**
 * The smallest cube file that answers a question about `columns` under `filter`: the shard
 * of a value the filter requires of a sharded dimension, the projection that has every
 * dimension the question and the filter name, else the whole cube. Each holds every row the
 * filter keeps, with the same sums.
 */
export function cubeUrlFor(parts: CubeParts, filter: CubeFilter, columns: Iterable<string>): string {
  let best = { href: parts.href, rows: parts.rows };
  for (const shard of parts.shards) {
    if (!(shard.dimension in filter.equals)) continue;
    const rows = shard.rows / (shard.count + 1);
    if (rows < best.rows) best = { href: `${shard.href}${shardOf(filter.equals[shard.dimension]!, shard.count)}.parquet`, rows };
  }
  const needed = [...columns, ...Object.keys(filter.equals), ...(filter.from || filter.to ? ["date"] : [])].filter(
    (c) => !(MEASURE_NAMES as readonly string[]).includes(c),
  );
  for (const projection of parts.projections)
    if (projection.rows < best.rows && needed.every((c) => projection.dimensions.includes(c))) best = projection;
  return best.href;
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
