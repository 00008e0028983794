import { afterEach, expect, it, vi } from "vitest";
import { toParquetBuffer } from "../../../pipeline/src/parquet/write-parquet.ts";
import { fromFixed, loadCube } from "./load-cube.ts";

afterEach(() => vi.unstubAllGlobals());

it("decodes 16-byte two's-complement DECIMAL values exactly", () => {
  const bytes = (n: bigint) => Uint8Array.from({ length: 16 }, (_, i) => Number((BigInt.asUintN(128, n) >> BigInt(8 * (15 - i))) & 0xffn));
  for (const n of [0n, 1n, -1n, 138_635_910_151n, -(10n ** 30n), 2n ** 100n + 7n]) expect(fromFixed(bytes(n))).toBe(n);
  expect(fromFixed(Uint8Array.of(0xff, 0x85))).toBe(-123n);
  expect(fromFixed(null)).toBeNull();
});

it("reads the cube's DECIMAL money as exact nano-USD bigints, not floats", async () => {
  const big = 9_007_199_254_740_993n; // 2^53 + 1: a float would lose the last digit
  const buffer = toParquetBuffer([
    { name: "date", kind: "string", data: ["2026-07-01", "2026-07-02"] },
    { name: "user", kind: "string", data: [null, "<img src=x>"] },
    { name: "requests", kind: "int64", data: [3, 4] },
    { name: "cost_usd", kind: "money_total", data: [big, 1n] },
    { name: "list_cost_usd", kind: "money_total", data: [null, 2n] },
    { name: "reported_usd", kind: "money", data: [5n, -6n] },
  ]);
  vi.stubGlobal("fetch", async () => new Response(buffer));
  const cube = await loadCube("data/cube.parquet");
  expect(cube.rows).toBe(2);
  expect(cube.dimensions).toEqual(["date", "user"]);
  expect(cube.money).toEqual(["cost_usd", "list_cost_usd", "reported_usd"]);
  expect((await cube.table(["user", "cost_usd"])).objects()).toEqual([
    { user: null, cost_usd: big },
    { user: "<img src=x>", cost_usd: 1n },
  ]);
  await expect(cube.table(["nope"])).rejects.toThrow(/the cube has no column nope/);
  expect((await cube.table(["date", "user", "requests", "cost_usd", "list_cost_usd", "reported_usd"])).objects()).toEqual([
    { date: "2026-07-01", user: null, requests: 3, cost_usd: big, list_cost_usd: null, reported_usd: 5n },
    { date: "2026-07-02", user: "<img src=x>", requests: 4, cost_usd: 1n, list_cost_usd: 2n, reported_usd: -6n },
  ]);
});
