import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { afterEach, describe, expect, it, vi } from "vitest";
import { writeCubeFile, type CubeFileColumn } from "../../../pipeline/test/cube-file.ts";
import type { CubeRows } from "../../../pipeline/src/cube/cube-columns.ts";
import { shardOf } from "../../../pipeline/src/cube/shard-of.ts";
import { cubeFromBuffer, cubeUrlFor, loadCube, type CubeParts } from "./load-cube.ts";
import { fixedBig } from "../../../pipeline/src/cube/read-cube-parquet.ts";

afterEach(() => vi.unstubAllGlobals());

/** Each row's value of `name` as a plain value: text or null, a number, or exact nano-USD. */
function cellsOf(rows: CubeRows, name: string): unknown[] {
  const column = rows.column(name);
  const out: unknown[] = [];
  rows.forEach((r) => {
    if (column.kind === "dim") out.push(column.values[column.codes[r]!]);
    else if (column.kind === "count") out.push(column.values[r]);
    else out.push(column.big ? column.big[r] : BigInt(column.values![r]!));
  });
  return out;
}

/** The same file read by hyparquet, a second reader: DECIMAL stripped so money comes as its exact unscaled integer. */
async function secondReader(buffer: ArrayBuffer, names: string[]): Promise<Record<string, unknown[]>> {
  const metadata = parquetMetadata(buffer);
  const schema = metadata.schema.map((e) => {
    if (e.converted_type !== "DECIMAL") return e;
    const { converted_type: _c, logical_type: _l, ...raw } = e;
    return raw;
  });
  const rows = (await parquetReadObjects({ file: buffer, metadata: { ...metadata, schema }, columns: names })) as Record<string, unknown>[];
  const decimal = new Set(metadata.schema.filter((e) => e.converted_type === "DECIMAL").map((e) => e.name));
  const counts = new Set(metadata.schema.filter((e) => e.type === "INT64" && e.converted_type !== "DECIMAL").map((e) => e.name));
  return Object.fromEntries(
    names.map((n) => [
      n,
      rows.map((row) => {
        const v = row[n];
        // Absent money and counts are 0 in the cube's sums; an absent dimension value is null.
        if (v === null || v === undefined) return decimal.has(n) ? 0n : counts.has(n) ? 0 : null;
        if (v instanceof Uint8Array) return fixedBig(v, 0, v.length);
        if (typeof v === "bigint") return decimal.has(n) ? v : Number(v);
        return v;
      }),
    ]),
  );
}

const N = 2_000;
const TWO_53 = 2n ** 53n;
/** Columns that cover the reader's paths: dictionaries that differ per row group, nulls, a PLAIN text column, money past 2^52 and negative. */
const columns = (): CubeFileColumn[] => [
  { name: "date", kind: "string", cells: Array.from({ length: N }, (_, i) => `2026-07-${String(1 + (i % 28)).padStart(2, "0")}`) },
  { name: "user", kind: "string", cells: Array.from({ length: N }, (_, i) => (i % 7 === 0 ? null : `u${(i * 7919) % 613}`)) },
  { name: "note", kind: "string", plain: true, cells: Array.from({ length: N }, (_, i) => (i % 5 === 0 ? null : `ünïcode ${i % 11} <b>`)) },
  { name: "requests", kind: "int64", cells: Array.from({ length: N }, (_, i) => (i % 13 === 0 ? null : i * 3)) },
  {
    name: "cost_usd",
    kind: "money_total",
    cells: Array.from({ length: N }, (_, i) => (i % 11 === 0 ? null : i === 5 ? TWO_53 + 1n : BigInt(i) * 1_000_000_007n - 3n)),
  },
  {
    name: "list_cost_usd",
    kind: "money",
    cells: Array.from({ length: N }, (_, i) => (i % 3 === 0 ? -BigInt(i) : BigInt(i) * 999_999_999n)),
  },
  { name: "reported_usd", kind: "money", cells: Array.from({ length: N }, (_, i) => (i % 17 === 0 ? null : BigInt(i) - 1_000n)) },
];

describe("the cube reader", () => {
  it.each([
    ["snappy, row groups of 300", { rowGroupRows: 300, compression: "snappy" as const }],
    ["uncompressed, one row group", { compression: "none" as const }],
  ])("reads the cube writer's file (%s) exactly as a second reader does", async (_, options) => {
    performance.clearMeasures();
    const buffer = writeCubeFile(columns(), options);
    const cube = cubeFromBuffer(buffer);
    expect(cube.rows).toBe(N);
    expect(cube.dimensions).toEqual(["date", "user", "note"]);
    expect(cube.money).toEqual(["cost_usd", "list_cost_usd", "reported_usd"]);
    const names = columns().map((c) => c.name);
    const rows = await cube.table(names);
    const expected = await secondReader(buffer, names);
    for (const name of names) expect(cellsOf(rows, name), name).toEqual(expected[name]);
    // Money past 2^52 nano-USD is kept as bigints, exact to the last digit; absent money is 0.
    expect(cellsOf(rows, "cost_usd")[5]).toBe(TWO_53 + 1n);
    expect(rows.column("cost_usd")).toMatchObject({ values: null });
    expect(cellsOf(rows, "cost_usd")[0]).toBe(0n);
    expect(rows.column("list_cost_usd")).toMatchObject({ big: null });
    expect(cellsOf(rows, "user")[0]).toBeNull();
    // Every column came through the typed-array reader, none through the fallback.
    expect(performance.getEntriesByType("measure").filter((m) => m.name.includes("hyparquet"))).toEqual([]);
  });

  it("reads a cube in another writer's layout (DuckDB: v1 data pages) through hyparquet, with the same values", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "costs-cube-duckdb-"));
    try {
      const file = path.join(dir, "cube.parquet");
      const instance = await DuckDBInstance.create(":memory:");
      const connection = await instance.connect();
      await connection.run(
        `COPY (SELECT CASE WHEN i % 4 = 0 THEN NULL ELSE 'k' || (i % 9) END AS team, i::BIGINT AS requests,
                (i * 1.000000001)::DECIMAL(38,9) AS cost_usd,
                CASE WHEN i = 3 THEN 9007199.254740993::DECIMAL(38,9) ELSE (-i)::DECIMAL(38,9) END AS list_cost_usd
              FROM range(500) t(i)) TO '${file}' (FORMAT parquet)`,
      );
      connection.closeSync();
      instance.closeSync();
      const bytes = await readFile(file);
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      performance.clearMeasures();
      const rows = await cubeFromBuffer(buffer).table(["team", "requests", "cost_usd", "list_cost_usd"]);
      expect(performance.getEntriesByType("measure").map((m) => m.name)).toContain(
        "cube:read by hyparquet team, requests, cost_usd, list_cost_usd",
      );
      expect(cellsOf(rows, "team").slice(0, 3)).toEqual([null, "k1", "k2"]);
      expect(cellsOf(rows, "requests")[499]).toBe(499);
      expect(cellsOf(rows, "cost_usd")[7]).toBe(7_000_000_007n);
      expect(cellsOf(rows, "list_cost_usd")[3]).toBe(9_007_199_254_740_993n);
      expect(cellsOf(rows, "list_cost_usd")[4]).toBe(-4_000_000_000n);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("fetches the cube once per page, and names a column it does not have", async () => {
    const buffer = writeCubeFile(columns());
    const fetched: string[] = [];
    vi.stubGlobal("fetch", async (url: string) => {
      fetched.push(url);
      return new Response(buffer);
    });
    const cube = await loadCube("data/cube.parquet");
    expect(await loadCube("data/cube.parquet")).toBe(cube);
    expect(fetched).toEqual(["data/cube.parquet"]);
    await expect(cube.table(["nope"])).rejects.toThrow(/the cube has no column nope/);
  });
});

it("decodes big-endian two's-complement DECIMAL bytes exactly", () => {
  const bytes = (n: bigint) => Uint8Array.from({ length: 16 }, (_, i) => Number((BigInt.asUintN(128, n) >> BigInt(8 * (15 - i))) & 0xffn));
  for (const n of [0n, 1n, -1n, 138_635_910_151n, -(10n ** 30n), 2n ** 100n + 7n]) expect(fixedBig(bytes(n), 0, 16)).toBe(n);
  expect(fixedBig(Uint8Array.of(0xff, 0x85), 0, 2)).toBe(-123n);
});

describe("cubeUrlFor", () => {
  const parts: CubeParts = {
    href: "/data/cube.parquet",
    rows: 600_000,
    shards: [
      { dimension: "user", count: 15, href: "/data/cube-shards/0/", rows: 600_000, values: "/tables/breakdown-user.json" },
      { dimension: "metadata.customer_id", count: 15, href: "/data/cube-shards/1/", rows: 600_000, values: "/tables/x.json" },
    ],
    projections: [{ dimensions: ["date", "team", "model", "policy_status"], href: "/data/cube-projection.parquet", rows: 80_000 }],
  };
  const measures = ["requests", "cost_usd", "unpriced_requests"];
  it("reads a value's shard when the filter requires one value of a sharded dimension", () => {
    expect(cubeUrlFor(parts, { equals: { user: "ann" } }, ["date", "team", ...measures])).toBe(
      `/data/cube-shards/0/${shardOf("ann", 15)}.parquet`,
    );
    expect(cubeUrlFor(parts, { equals: { user: null, team: "ads" } }, ["model"])).toBe("/data/cube-shards/0/15.parquet");
    expect(cubeUrlFor(parts, { from: "2026-07-01", equals: { "metadata.customer_id": "c1" } }, ["user"])).toBe(
      `/data/cube-shards/1/${shardOf("c1", 15)}.parquet`,
    );
  });
  it("reads the projection when it has every dimension the question and the filter name, else the whole cube", () => {
    expect(cubeUrlFor(parts, { from: "2026-07-01", equals: { team: "ads" } }, ["model", "policy_status", ...measures])).toBe(
      "/data/cube-projection.parquet",
    );
    expect(cubeUrlFor(parts, { equals: {} }, ["team", "cost_usd"])).toBe("/data/cube-projection.parquet");
    expect(cubeUrlFor(parts, { equals: { team: "ads" } }, ["user", ...measures])).toBe("/data/cube.parquet");
    expect(cubeUrlFor(parts, { equals: { region: "eu" } }, ["team"])).toBe("/data/cube.parquet");
    expect(cubeUrlFor({ ...parts, shards: [], projections: [] }, { equals: { user: "ann" } }, ["team"])).toBe("/data/cube.parquet");
  });
});
