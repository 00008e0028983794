import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseNano } from "../src/pricing/money.ts";
import { readPriceQuery } from "./duckdb-job.ts";
import { blockSeed, defaultDays, generateRows, planBlocks } from "./generate-rows.ts";
import { benchPassed, renderReport, type BenchResult } from "./report.ts";
import { runBench } from "./run-bench.ts";

const temps: string[] = [];
async function temp(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "costs-bench-test-"));
  temps.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true });
});

describe("planBlocks", () => {
  it("covers every row and day once, in order, within the block size", () => {
    for (const [rows, days] of [
      [1_000_000, 30],
      [10_000_000, 303],
      [600_000, 1],
      [50_000, 2],
      [7, 3],
    ] as const) {
      const blocks = planBlocks(rows, days);
      expect(blocks.reduce((sum, b) => sum + b.rows, 0)).toBe(rows);
      expect(Math.max(...blocks.map((b) => b.rows))).toBeLessThanOrEqual(250_000);
      expect(blocks.map((b) => b.index)).toEqual(blocks.map((_, i) => i));
      const last = blocks.at(-1)!;
      const lastDay = (Date.parse(last.start) - Date.parse(blocks[0]!.start)) / 86_400_000 + last.days;
      expect(lastDay).toBe(days);
      for (let k = 1; k < blocks.length; k++) expect(blocks[k]!.start >= blocks[k - 1]!.start).toBe(true);
    }
    // 1,000,000 rows a month: five blocks of whole weeks (the last one shorter).
    expect(planBlocks(1_000_000, 30).map((b) => `${b.start}+${b.days}`)).toEqual([
      "2026-06-16+7",
      "2026-06-23+7",
      "2026-06-30+7",
      "2026-07-07+7",
      "2026-07-14+2",
    ]);
    // A day busier than a block is split over several blocks of that day.
    expect(planBlocks(600_000, 1).map((b) => b.rows)).toEqual([200_000, 200_000, 200_000]);
  });

  it("scales days with rows and derives distinct block seeds", () => {
    expect([defaultDays(50_000), defaultDays(1_000_000), defaultDays(10_000_000), defaultDays(10)]).toEqual([2, 30, 303, 1]);
    const seeds = new Set(Array.from({ length: 1000 }, (_, k) => blockSeed(20260616, k)));
    expect(seeds.size).toBe(1000);
  });
});

describe("generateRows", () => {
  it("writes the same bytes for the same options, in blocks that follow each other, with unique request ids", async () => {
    const options = { rows: 3_000, days: 3, seed: 7, maxBlockRows: 1_000 };
    const [a, b] = [await generateRows({ ...options, dir: await temp() }), await generateRows({ ...options, dir: await temp() })];
    expect(a.blocks).toBe(3);
    expect(a.cached).toBe(false);
    const text = readFileSync(a.file, "utf8");
    expect(readFileSync(b.file, "utf8") === text).toBe(true);
    const rows = text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { request_id: string; timestamp: string });
    expect(rows).toHaveLength(3_000);
    // Block k's ids start with k in four hex digits and its rows lie in its own day.
    const byBlock = new Map<string, typeof rows>();
    for (const r of rows) {
      const prefix = r.request_id.slice(0, 4);
      byBlock.set(prefix, byBlock.get(prefix) ?? []);
      byBlock.get(prefix)!.push(r);
    }
    expect([...byBlock.keys()].sort()).toEqual(["0000", "0001", "0002"]);
    for (const [prefix, blockRows] of byBlock) {
      const day = `2026-06-${16 + Number.parseInt(prefix, 16)}`;
      expect(blockRows.filter((r) => r.timestamp.startsWith(day)).length / blockRows.length).toBeGreaterThan(0.99);
    }
    // Repeated ids are only the generator's deliberate duplicates: identical lines.
    const lines = new Map<string, string>();
    const all = text.trimEnd().split("\n");
    rows.forEach((r, i) => {
      const seen = lines.get(r.request_id);
      if (seen !== undefined) expect(all[i]).toBe(seen);
      else lines.set(r.request_id, all[i]!);
    });
    expect(lines.size).toBeGreaterThan(2_900);

    const again = await generateRows({ ...options, dir: path.dirname(a.file) });
    expect(again).toMatchObject({ file: a.file, cached: true, bytes: a.bytes });
  });
});

describe("readPriceQuery", () => {
  it("takes the one SELECT of price_logs.sql without its ';' and refuses anything else", async () => {
    const dir = await temp();
    const file = path.join(dir, "price_logs.sql");
    await writeFile(file, "-- prices logs; see README\nWITH x AS (SELECT 1)\nSELECT * FROM x;\n");
    expect(readPriceQuery(file)).toBe("-- prices logs; see README\nWITH x AS (SELECT 1)\nSELECT * FROM x\n");
    await writeFile(file, "SELECT 1");
    expect(() => readPriceQuery(file)).toThrow("expected one SELECT query terminated by ';'");
    await writeFile(file, "SELECT 1; SELECT 2;");
    expect(() => readPriceQuery(file)).toThrow("found another ';'");
    await writeFile(file, "-- c\nDROP TABLE rates;");
    expect(() => readPriceQuery(file)).toThrow("expected a SELECT query");
  });
});

describe("renderReport", () => {
  it("says when the totals differ, prints both, and fails the bench", () => {
    const job = {
      wall_ms: 2_000,
      rows_per_s: 500,
      peak_rss_bytes: 100 * 2 ** 20,
      cpu_ms: 2_500,
      threads: 2,
      rows_written: 990,
      command: "node …",
    };
    const counts = { rows_read: 1_000, priced: 980, unpriced: 10, rejected: 0, duplicates: 4, virtual_parents: 6, out_of_window: 0 };
    const result: BenchResult = {
      input: {
        rows: 1_000,
        days: 1,
        seed: 1,
        file: "logs.jsonl",
        bytes: 2 ** 20,
        blocks: 1,
        cached: true,
        generation_ms: 0,
        trace_source: "built-in",
      },
      machine: { cpus: 2, cpu_model: "cpu", node: "v20", duckdb: "v1.5.6", platform: "linux x64", load_average: 0.1 },
      peak_rss_method: "VmHWM",
      costs: {
        ...job,
        cost_usd: "12.000000001",
        counts,
        stages: null,
        self: null,
        timings_note: "stage timings unavailable (this costs run has no --timings flag)",
      },
      duckdb: {
        ...job,
        wall_ms: 1_000,
        cost_usd: "12.000000000",
        priced_rows: 980,
        load_ms: 300,
        copy_ms: 600,
        setup: { export_rates_ms: 900, command: "node …" },
      },
      comparison: { wall_ratio: 2, totals_equal: false, rows_equal: true },
    };
    const text = renderReport(result);
    expect(text).toContain("totals equal: no (costs run 12.000000001, DuckDB 12.000000000)");
    expect(text).toContain("costs run / DuckDB wall time: 2.00× (CPU time: 1.00×)");
    expect(text).toContain("stage timings unavailable (this costs run has no --timings flag)");
    expect(benchPassed(result)).toBe(false);
    expect(benchPassed({ ...result, comparison: { ...result.comparison!, totals_equal: true } })).toBe(true);
  });
});

describe("npm run bench, end to end at 50,000 rows", () => {
  it("runs costs run and the DuckDB job on the same logs and finds the same rows and total", { timeout: 180_000 }, async () => {
    const result = await runBench({ rows: 50_000, cacheDir: await temp(), log: () => {} });
    expect(result.costs.counts.rows_read).toBe(50_000);
    expect(result.duckdb).not.toBeNull();
    const duckdb = result.duckdb!;
    // Exact decimal strings, equal and above zero.
    expect(duckdb.cost_usd).toBe(result.costs.cost_usd);
    expect(parseNano(result.costs.cost_usd)).toBeGreaterThan(0n);
    expect(duckdb.rows_written).toBe(result.costs.counts.priced + result.costs.counts.unpriced);
    expect(duckdb.priced_rows).toBe(result.costs.counts.priced);
    expect(result.comparison).toMatchObject({ totals_equal: true, rows_equal: true });
    expect(benchPassed(result)).toBe(true);
    expect(result.differences).toBeUndefined();
    const report = renderReport(result);
    expect(report).toContain("totals equal: yes");
    expect(report).toContain(result.costs.cost_usd);
  });
});
