import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import * as aq from "arquero";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCubeFile } from "../../test/cube-file.ts";
import { readParquet } from "../parquet/read-parquet.ts";
import { shardOf } from "../cube/shard-of.ts";
import { compareKeys } from "../extracts/to-extract-table.ts";
import { writeCubeParts, type CubeParts } from "./write-cube-parts.ts";

const N = 6_000;
const measures = ["requests", "input_tokens", "cost_usd", "list_cost_usd"];
/** A cube: 1,500 users (some absent), 3,000 customer ids, a team and a date of few values. */
const cells = {
  date: Array.from({ length: N }, (_, i) => `2026-07-${String(1 + (i % 30)).padStart(2, "0")}`),
  team: Array.from({ length: N }, (_, i) => ["search", "ads", null][i % 3]!),
  user: Array.from({ length: N }, (_, i) => (i % 11 === 0 ? null : `user-${(i * 7) % 1_500}`)),
  "metadata.customer_id": Array.from({ length: N }, (_, i) => `cus-${(i * 13) % 3_000}`),
  "metadata.environment": Array.from({ length: N }, (_, i) => ["prod", "dev"][i % 2]!),
  requests: Array.from({ length: N }, (_, i) => 1 + (i % 5)),
  input_tokens: Array.from({ length: N }, (_, i) => i * 10),
  cost_usd: Array.from({ length: N }, (_, i) => BigInt(i) * 1_000_000_007n + (i === 17 ? 2n ** 60n : 0n)),
  list_cost_usd: Array.from({ length: N }, (_, i) => -BigInt(i)),
};

let dir: string;
let parts: CubeParts;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "costs-cube-parts-"));
  const buffer = writeCubeFile(
    [
      ...["date", "team", "user", "metadata.customer_id", "metadata.environment"].map((name) => ({
        name,
        kind: "string" as const,
        cells: cells[name as keyof typeof cells] as (string | null)[],
      })),
      { name: "requests", kind: "int64", cells: cells.requests },
      { name: "input_tokens", kind: "int64", cells: cells.input_tokens },
      { name: "cost_usd", kind: "money_total", cells: cells.cost_usd },
      { name: "list_cost_usd", kind: "money_total", cells: cells.list_cost_usd },
    ],
    { rowGroupRows: 2_500 },
  );
  await writeFile(path.join(dir, "cube.parquet"), new Uint8Array(buffer));
  parts = await writeCubeParts(path.join(dir, "cube.parquet"), dir, "data/", { pricing_version: "test" }, 1_000);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A file of the parts read back by the pipeline's Parquet reader (hyparquet): rows as records, money as bigint nano-USD. */
async function rowsOf(href: string): Promise<Record<string, unknown>[]> {
  const { rowCount, columns } = await readParquet(path.join(dir, href.replace(/^data\//, "")));
  return Array.from({ length: rowCount }, (_, i) => Object.fromEntries(Object.entries(columns).map(([name, values]) => [name, values[i]])));
}

describe("the cube's parts", () => {
  it("shards the dimensions of 1,000+ values: every row once, in its value's shard, the absent value in its own", async () => {
    expect(parts.shards.map((s) => [s.dimension, s.count, s.rows])).toEqual([
      ["user", 15, N],
      ["metadata.customer_id", 15, N],
    ]);
    for (const shard of parts.shards) {
      const seen: Record<string, unknown>[] = [];
      for (let i = 0; i <= shard.count; i++) {
        const rows = await rowsOf(`${shard.href}${i}.parquet`);
        for (const row of rows) expect(shardOf(row[shard.dimension] as string | null, shard.count), shard.dimension).toBe(i);
        seen.push(...rows);
      }
      expect(seen).toHaveLength(N);
      // The same rows as the cube, cell for cell (money exact, past 2^53 too).
      // (The reader gives counts as bigints; the cells are numbers: both as their digits.)
      const key = (r: Record<string, unknown>) =>
        JSON.stringify(r, (_, v: unknown) => (typeof v === "bigint" || typeof v === "number" ? String(v) : v));
      const cube = Array.from({ length: N }, (_, i) => Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, v[i]])));
      expect(seen.map(key).sort()).toEqual(cube.map(key).sort());
    }
    expect((await rowsOf(`${parts.shards[0]!.href}15.parquet`)).every((r) => r.user === null)).toBe(true);
  });

  it("projects the cube over the small dimensions, with the same sums", async () => {
    expect(parts.projections.map((p) => p.dimensions)).toEqual([["date", "team", "metadata.environment"]]);
    const rows = await rowsOf(parts.projections[0]!.href);
    const expected = aq
      .table(cells)
      .groupby("date", "team", "metadata.environment")
      .rollup(Object.fromEntries(measures.map((m) => [m, aq.op.sum(m)])))
      .objects() as Record<string, unknown>[];
    expect(rows).toHaveLength(expected.length);
    const byKey = (list: Record<string, unknown>[]) =>
      new Map(list.map((r) => [`${r.date}|${r.team}|${r["metadata.environment"]}`, measures.map((m) => BigInt(r[m] as bigint | number))]));
    expect(byKey(rows)).toEqual(byKey(expected));
    expect(parts.projections[0]!.rows).toBe(expected.length);
    // Sorted as extracts are: by date, then team (absent first), then environment.
    const keys = rows.map((r) => [r.date, r.team, r["metadata.environment"]] as (string | null)[]);
    const sorted = [...keys].sort((x, y) => {
      for (let i = 0; i < 3; i++) if (compareKeys(x[i]!, y[i]!) !== 0) return compareKeys(x[i]!, y[i]!);
      return 0;
    });
    expect(keys).toEqual(sorted);
    expect(keys.slice(0, 2)).toEqual([
      ["2026-07-01", "search", "prod"],
      ["2026-07-02", "ads", "dev"],
    ]);
  });

  it("writes no parts for a cube whose users and metadata keys all have fewer than 1,000 values", async () => {
    const few = writeCubeFile([
      { name: "date", kind: "string", cells: cells.date },
      { name: "user", kind: "string", cells: cells.user.map((u) => (u === null ? null : u.slice(0, 7))) },
      { name: "requests", kind: "int64", cells: cells.requests },
      { name: "cost_usd", kind: "money_total", cells: cells.cost_usd },
    ]);
    await writeFile(path.join(dir, "few.parquet"), new Uint8Array(few));
    expect(await writeCubeParts(path.join(dir, "few.parquet"), path.join(dir, "few"), "data/", {}, 1_000)).toEqual({
      shards: [],
      projections: [],
    });
  });

  it("writes no parts for a cube under the threshold", async () => {
    expect(await writeCubeParts(path.join(dir, "cube.parquet"), path.join(dir, "small"), "data/", {}, N + 1)).toEqual({
      shards: [],
      projections: [],
    });
    await expect(readFile(path.join(dir, "small", "cube-projection.parquet"))).rejects.toThrow(/ENOENT/);
  });
});
