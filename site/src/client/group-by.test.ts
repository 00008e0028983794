import { describe, expect, it } from "vitest";
import { computeExtract } from "../../../pipeline/src/extracts/compute-extract.ts";
import { extractToCsv } from "../../../pipeline/src/extracts/extract-to-csv.ts";
import type { Dataset } from "../../../pipeline/src/dataset/read-partitions.ts";
import { breakdown, filterCube, MEASURES, totals } from "./cube-query.ts";
import { writeCubeFile } from "../../../pipeline/test/cube-file.ts";
import { groupByCube, type GroupByResult } from "./group-by.ts";
import { cubeFromBuffer, type Cube } from "./load-cube.ts";

/** Priced rows (as the pipeline reads them) and the cube they sum into: one cube row per distinct dimension tuple. */
const priced = [
  {
    date: "2026-06-30",
    team: "payments",
    model: "m1",
    user: "=cmd",
    cost: 1_000_000_001n,
    list: 900_000_000n,
    unpriced: 0,
    in: 10,
    out: 1,
  },
  { date: "2026-06-30", team: "payments", model: "m1", user: "=cmd", cost: 2n, list: null, unpriced: 0, in: 20, out: 2 },
  { date: "2026-07-01", team: "search", model: "m2", user: null, cost: 333_333_333n, list: 333_333_333n, unpriced: 0, in: 5, out: 5 },
  { date: "2026-07-01", team: "search", model: "m3", user: "bob", cost: null, list: null, unpriced: 1, in: 7, out: 0 },
];

function datasetOf(): Dataset {
  const col = <T>(f: (r: (typeof priced)[number]) => T) => priced.map(f);
  return {
    length: priced.length,
    date: col((r) => r.date),
    user: col((r) => r.user),
    virtual_account: col(() => null),
    team: col((r) => r.team),
    model: col((r) => r.model),
    provider: col(() => "p"),
    provider_account: col(() => "a"),
    provider_model: col(() => "pm"),
    region: col(() => null),
    price_source: col((r) => (r.unpriced ? "unpriced" : "public")),
    policy_status: col((r) => (r.team === "payments" ? "ok" : "warning")),
    metadata: col(() => null),
    input_tokens: col((r) => r.in),
    cache_read_tokens: col(() => 0),
    cache_write_tokens: col(() => 0),
    output_tokens: col((r) => r.out),
    reasoning_tokens: col(() => 0),
    cost_usd: col((r) => r.cost),
    list_cost_usd: col((r) => r.list),
  } as unknown as Dataset;
}

function cubeOf(): Cube {
  const groups = new Map<string, (typeof priced)[number][]>();
  for (const r of priced) {
    const key = JSON.stringify([
      r.date,
      r.team,
      r.model,
      r.user,
      r.unpriced ? "unpriced" : "public",
      r.team === "payments" ? "ok" : "warning",
    ]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const keys = [...groups.keys()].map((k) => JSON.parse(k) as (string | null)[]);
  const rows = [...groups.values()];
  const sum = (list: (typeof priced)[number][], f: (r: (typeof priced)[number]) => bigint | null) =>
    list.some((r) => f(r) !== null) ? list.reduce((s, r) => s + (f(r) ?? 0n), 0n) : null;
  const buffer = writeCubeFile([
    { name: "date", kind: "string", cells: keys.map((k) => k[0]!) },
    { name: "team", kind: "string", cells: keys.map((k) => k[1]!) },
    { name: "model", kind: "string", cells: keys.map((k) => k[2]!) },
    { name: "user", kind: "string", cells: keys.map((k) => k[3]!) },
    { name: "price_source", kind: "string", cells: keys.map((k) => k[4]!) },
    { name: "policy_status", kind: "string", cells: keys.map((k) => k[5]!) },
    { name: "requests", kind: "int64", cells: rows.map((g) => g.length) },
    { name: "input_tokens", kind: "int64", cells: rows.map((g) => g.reduce((s, r) => s + r.in, 0)) },
    { name: "cache_read_tokens", kind: "int64", cells: rows.map(() => 0) },
    { name: "cache_write_tokens", kind: "int64", cells: rows.map(() => 0) },
    { name: "output_tokens", kind: "int64", cells: rows.map((g) => g.reduce((s, r) => s + r.out, 0)) },
    { name: "cost_usd", kind: "money_total", cells: rows.map((g) => sum(g, (r) => r.cost)) },
    { name: "list_cost_usd", kind: "money_total", cells: rows.map((g) => sum(g, (r) => r.list)) },
    { name: "unpriced_requests", kind: "int64", cells: rows.map((g) => g.reduce((s, r) => s + r.unpriced, 0)) },
  ]);
  return cubeFromBuffer(buffer);
}

const text = (result: GroupByResult) => new TextDecoder().decode(Buffer.concat(result.csv));

describe("groupByCube", () => {
  it.each([[["team"]], [["month", "user"]], [["user", "model", "date"]], [[]]])(
    "gives the CSV the pipeline computes from the priced rows, grouped by %j",
    async (fields) => {
      const result = await groupByCube(cubeOf(), fields);
      expect(text(result)).toBe(extractToCsv(computeExtract(datasetOf(), fields)));
      expect(result.totalCostNano).toBe(1_333_333_336n);
    },
  );
  it.each([
    [["model", "team"], { equals: { team: "search" } }, (r: (typeof priced)[number]) => r.team === "search"],
    [["user", "date"], { from: "2026-07-01", equals: {} }, (r: (typeof priced)[number]) => r.date >= "2026-07-01"],
    [["team"], { to: "2026-06-30", equals: { user: "=cmd" } }, (r: (typeof priced)[number]) => r.date <= "2026-06-30" && r.user === "=cmd"],
    [["model"], { equals: { user: null } }, (r: (typeof priced)[number]) => r.user === null],
  ])(
    "filters the cube's rows before grouping by %j (%j), as the pipeline does over the matching priced rows",
    async (fields, filter, keep) => {
      const result = await groupByCube(cubeOf(), fields, filter);
      const rows = datasetOf();
      const kept = priced.map((r, i) => (keep(r) ? i : -1)).filter((i) => i >= 0);
      const subset = Object.fromEntries(
        Object.entries(rows).map(([name, values]) => [name, Array.isArray(values) ? kept.map((i) => values[i] as unknown) : kept.length]),
      ) as unknown as Dataset;
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.length).toBeLessThan(priced.length);
      expect(text(result)).toBe(extractToCsv(computeExtract(subset, fields)));
      expect(result.groupBy).toEqual(fields);
    },
  );
  it("neutralises formula cells and keeps money exact in the CSV", async () => {
    const csv = text(await groupByCube(cubeOf(), ["user"]));
    expect(csv.split("\n")).toContain("'=cmd,2,30,0,0,3,1.000000003,0.900000000,0");
  });
});

const everything = () => cubeOf().table(["date", "team", "model", "user", "price_source", "policy_status", ...MEASURES]);

describe("cube queries", () => {
  it("filters by dimension values (null = absent) and dates, and sums exactly", async () => {
    const cube = await everything();
    expect(totals(filterCube(cube, { equals: { team: "payments" } }))).toMatchObject({
      requests: 2,
      cost: 1_000_000_003n,
      ok_cost: 1_000_000_003n,
    });
    expect(totals(filterCube(cube, { equals: { user: null } }))).toMatchObject({ requests: 1, cost: 333_333_333n });
    expect(totals(filterCube(cube, { from: "2026-07-01", equals: {} }))).toMatchObject({
      requests: 2,
      unpriced: 1,
      cost: 333_333_333n,
      ok_cost: 0n,
    });
    expect(totals(filterCube(cube, { equals: { team: "x" } })).requests).toBe(0);
  });
  it("breaks down by a dimension, costliest first, with shares of the filtered total", async () => {
    expect(breakdown(await everything(), "model").map((r) => [r.key, r.cost_usd, r.share])).toEqual([
      ["m1", "1.000000003", "0.750000"],
      ["m2", "0.333333333", "0.250000"],
      ["m3", "0.000000000", "0.000000"],
    ]);
  });
});
