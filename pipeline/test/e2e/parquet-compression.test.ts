/**
 * `costs run --parquet-compression snappy`: the priced files' pages are snappy-compressed
 * (read back by hyparquet and DuckDB), smaller, and hold exactly the rows of the default
 * uncompressed run; every other output is byte-identical.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { parquetMetadata } from "hyparquet";
import { describe, expect, it } from "vitest";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");

describe("costs run --parquet-compression snappy", () => {
  it("writes snappy pages with the same rows, smaller files, and the same other outputs", async () => {
    const dir = await writeTempTree({});
    const plain = path.join(dir, "plain");
    const snappy = path.join(dir, "snappy");
    expect((await runCli(ROOT, "run", "--logs", "data/sample", "--out", plain, "--no-progress")).code).toBe(0);
    expect(
      (await runCli(ROOT, "run", "--logs", "data/sample", "--out", snappy, "--parquet-compression", "snappy", "--no-progress")).code,
    ).toBe(0);

    const days = (await readdir(path.join(plain, "priced"))).sort();
    expect((await readdir(path.join(snappy, "priced"))).sort()).toEqual(days);
    let plainBytes = 0;
    let snappyBytes = 0;
    for (const day of days) {
      const a = path.join(plain, "priced", day, "part-00000.parquet");
      const b = path.join(snappy, "priced", day, "part-00000.parquet");
      plainBytes += (await stat(a)).size;
      snappyBytes += (await stat(b)).size;
      const bytes = await readFile(b);
      const codecs = new Set(
        parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer).row_groups.flatMap((g) =>
          g.columns.map((c) => c.meta_data?.codec),
        ),
      );
      expect([...codecs]).toEqual(["SNAPPY"]);
      expect((await readParquet(b)).columns).toEqual((await readParquet(a)).columns);
    }
    expect(snappyBytes).toBeLessThan(plainBytes * 0.8);

    const db = await (await DuckDBInstance.create(":memory:")).connect();
    const total = async (out: string) =>
      (
        await db.runAndReadAll(`SELECT count(*)::VARCHAR, sum(cost_usd)::VARCHAR FROM read_parquet('${out}/priced/*/*.parquet')`)
      ).getRows()[0];
    expect(await total(snappy)).toEqual(await total(plain));

    for (const file of ["rejects.csv", "focus/focus.csv", "extracts/cost-by-model.csv"]) {
      expect(await readFile(path.join(snappy, file), "utf8"), file).toBe(await readFile(path.join(plain, file), "utf8"));
    }
    const manifest = JSON.parse(await readFile(path.join(snappy, "manifest.json"), "utf8"));
    expect(manifest.options.parquet_compression).toBe("snappy");
    expect(JSON.parse(await readFile(path.join(plain, "manifest.json"), "utf8")).options).not.toHaveProperty("parquet_compression");
  });
});
