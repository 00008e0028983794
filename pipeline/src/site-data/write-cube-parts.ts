/**
 * Smaller files of the cube for the site's browser, so that a question reads only the rows
 * it needs (site/README.md, "The cube, its shards and its projection"):
 * - shards: the cube split by a dimension's value. A page filtered to one user (or one
 *   metadata value) fetches the one shard that holds every row of that value (`shardOf`),
 *   instead of the whole cube. The shards of one dimension hold every cube row once.
 * - a projection: the cube summed over the dimensions of many values (`user`, a customer
 *   id): every question about teams, models, dates and the other small dimensions.
 * Each is a cube file of the same schema (less the dimensions a projection drops).
 *
 * Written after the cube, from the cube file itself (read into typed columns by the site's
 * own reader, pipeline/src/cube/), when the cube has at least `from` rows (CUBE_PARTS_FROM,
 * `--cube-parts`; a smaller cube loads whole in a fraction of a second). Shards are written
 * for `user` and each metadata key with at least SHARD_MIN_VALUES values; their number is the
 * cube's rows over SHARD_SHARE × `from`, at most MAX_SHARDS. The projection drops the dimensions of at least
 * SHARD_MIN_VALUES values, and is written when it has at most half the cube's rows. A cube whose
 * users and metadata keys all have fewer values gets no parts (and is read back only for those columns).
 */
import { mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parquetMetadata } from "hyparquet";
import { CubeRows, groupRows, sortGroups, type Column } from "../cube/cube-columns.ts";
import { kindOf, readCubeColumns } from "../cube/read-cube-parquet.ts";
import { CUBE_PARTS_FROM, SHARD_SHARE, shardOf } from "../cube/shard-of.ts";
import { ParquetFileWriter, type ColumnData } from "../parquet/file-writer.ts";
import type { ColumnKind } from "../parquet/write-parquet.ts";

export const SHARD_MIN_VALUES = 1_000;
export const MAX_SHARDS = 256;
const ROW_GROUP = 262_144;

export interface CubeProjection {
  /** The dimensions it keeps. */
  dimensions: string[];
  /** The file, relative to the site root. */
  href: string;
  rows: number;
  bytes: number;
}

export interface CubeParts {
  shards: CubeShards[];
  projections: CubeProjection[];
}

export interface CubeShards {
  /** The cube column the shards split by (`user`, `metadata.<key>`). */
  dimension: string;
  /** How many shards of values: a value's rows are in shard `shardOf(value, count)`, the absent value's in shard `count`. */
  count: number;
  /** The shards' folder, relative to the site root: shard i is `<href>i.parquet`, for i = 0…count. */
  href: string;
  /** Rows and bytes of all the shards together. */
  rows: number;
  bytes: number;
}

/**
 * Writes the shards of the cube in `cubeFile` into `dir/cube-shards/<n>/<i>.parquet` (n: the
 * dimension's place in the returned list) and its projection into `dir/cube-projection.parquet`,
 * and returns where they are (hrefs under `hrefBase`).
 */
export async function writeCubeParts(
  cubeFile: string,
  dir: string,
  hrefBase: string,
  metadata: Record<string, string>,
  from = CUBE_PARTS_FROM,
): Promise<CubeParts> {
  const bytes = await readFile(cubeFile);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const meta = parquetMetadata(buffer);
  const rows = Number(meta.num_rows);
  if (rows < from) return { shards: [], projections: [] };
  const elements = meta.schema.slice(1);
  // The dimensions that can be sharded first: without one of many values, there is nothing to write.
  const candidates = elements
    .filter((e) => kindOf(e) === "dim" && (e.name === "user" || e.name.startsWith("metadata.")))
    .map((e) => e.name);
  const many = [...(await readCubeColumns(buffer, meta, candidates))].filter(
    ([, column]) => column.kind === "dim" && column.values.length - 1 >= SHARD_MIN_VALUES,
  );
  if (many.length === 0) return { shards: [], projections: [] };
  const columns = new Map([
    ...many,
    ...(await readCubeColumns(
      buffer,
      meta,
      elements.map((e) => e.name).filter((n) => !many.some(([m]) => m === n)),
    )),
  ]);
  const schema = elements.map((e): [string, ColumnKind] => {
    const kind = kindOf(e);
    return [e.name, kind === "dim" ? "string" : kind === "count" ? "int64" : e.type === "FIXED_LEN_BYTE_ARRAY" ? "money_total" : "money"];
  });
  const count = Math.min(MAX_SHARDS, Math.ceil(rows / Math.max(1, Math.floor(from * SHARD_SHARE))));
  const out: CubeShards[] = [];
  for (const [name] of schema) {
    const column = columns.get(name)!;
    if (column.kind !== "dim" || !(name === "user" || name.startsWith("metadata.")) || column.values.length - 1 < SHARD_MIN_VALUES)
      continue;
    const folder = path.join(dir, "cube-shards", String(out.length));
    await mkdir(folder, { recursive: true });
    // Each row's shard, from each value's shard; then the rows of each shard, in cube order.
    const shardOfCode = Int32Array.from(column.values, (v) => shardOf(v, count));
    const files = count + 1;
    const sizes = new Int32Array(files + 1);
    for (let r = 0; r < rows; r++) sizes[shardOfCode[column.codes[r]!]! + 1]!++;
    for (let s = 0; s < files; s++) sizes[s + 1]! += sizes[s]!;
    const order = new Int32Array(rows);
    const next = sizes.slice(0, files);
    for (let r = 0; r < rows; r++) order[next[shardOfCode[column.codes[r]!]!]!++] = r;
    let written = 0;
    for (let s = 0; s < files; s++) {
      const file = path.join(folder, `${s}.parquet`);
      const writer = new ParquetFileWriter(file, schema, { metadata, compression: "snappy", createdBy: "gateway-costs" });
      try {
        for (let start = sizes[s]!; start < sizes[s + 1]!; start += ROW_GROUP) {
          const group = order.subarray(start, Math.min(sizes[s + 1]!, start + ROW_GROUP));
          writer.writeRowGroup(
            group.length,
            schema.map(([n]) => columnData(columns.get(n)!, group)),
          );
        }
        writer.close();
      } catch (error) {
        writer.abort();
        throw error;
      }
      written += (await stat(file)).size;
    }
    out.push({ dimension: name, count, href: `${hrefBase}cube-shards/${out.length}/`, rows, bytes: written });
  }
  return { shards: out, projections: await writeProjection(columns, schema, rows, dir, hrefBase, metadata) };
}

/** The cube summed over its dimensions of SHARD_MIN_VALUES values or more, when that makes it at most half as long. */
async function writeProjection(
  columns: Map<string, Column>,
  schema: [string, ColumnKind][],
  rows: number,
  dir: string,
  hrefBase: string,
  metadata: Record<string, string>,
): Promise<CubeProjection[]> {
  const cube = new CubeRows(columns, null, rows);
  // Every dimension of many values goes (not only the shardable ones: a virtual account of thousands too).
  const kept = schema.filter(([name]) => {
    const column = columns.get(name)!;
    return column.kind !== "dim" || column.values.length - 1 < SHARD_MIN_VALUES;
  });
  const dimensions = kept.filter(([name]) => columns.get(name)!.kind === "dim").map(([name]) => name);
  if (dimensions.length === schema.filter(([name]) => columns.get(name)!.kind === "dim").length) return [];
  const measures = kept.filter(([name]) => columns.get(name)!.kind !== "dim").map(([name]) => name);
  const groups = groupRows(
    cube,
    dimensions.map((d) => cube.dim(d)),
    measures,
  );
  if (groups.length > rows / 2) return [];
  const order = sortGroups(groups);
  const file = path.join(dir, "cube-projection.parquet");
  const writer = new ParquetFileWriter(file, kept, { metadata, compression: "snappy", createdBy: "gateway-costs" });
  try {
    for (let start = 0; start < groups.length; start += ROW_GROUP) {
      const group = order.subarray(start, Math.min(groups.length, start + ROW_GROUP));
      writer.writeRowGroup(
        group.length,
        kept.map(([name]): ColumnData => {
          const d = dimensions.indexOf(name);
          if (d >= 0) return columnData({ kind: "dim", codes: groups.codes[d]!, values: cube.dim(name).values }, group);
          const counts = groups.counts.get(name);
          if (counts) return { type: "number", values: Float64Array.from(group, (g) => counts[g]!) };
          const money = groups.money.get(name)!;
          return { type: "bigint", values: BigInt64Array.from(group, (g) => money.get(g)) };
        }),
      );
    }
    writer.close();
  } catch (error) {
    writer.abort();
    throw error;
  }
  return [{ dimensions, href: `${hrefBase}cube-projection.parquet`, rows: groups.length, bytes: (await stat(file)).size }];
}

/** One column's cells of `rows` (cube row indices) as the Parquet writer takes them. */
function columnData(column: Column, rows: Int32Array): ColumnData {
  if (column.kind === "dim") {
    // A dictionary of the values these rows hold, in order of first use.
    const local = new Int32Array(column.values.length).fill(-1);
    const dictionary: string[] = [];
    const codes = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const c = column.codes[rows[i]!]!;
      if (c === 0) codes[i] = -1;
      else {
        if (local[c]! < 0) local[c] = dictionary.push(column.values[c]!) - 1;
        codes[i] = local[c]!;
      }
    }
    return { type: "dict", codes, dictionary };
  }
  if (column.kind === "count") return { type: "number", values: Float64Array.from(rows, (r) => column.values[r]!) };
  const big = column.big;
  const values = column.values;
  return { type: "bigint", values: BigInt64Array.from(rows, (r) => (big ? big[r]! : BigInt(values![r]!))) };
}
