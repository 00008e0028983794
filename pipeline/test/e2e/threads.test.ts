/**
 * `costs run` gives the same outputs whichever way the input is cut and whichever thread
 * prices a chunk: the committed sample (gzipped JSON Lines with duplicates across chunks,
 * virtual-model parents, private prices; plus a CSV export) run on the main thread in one
 * chunk, and with two worker threads in 64 KiB chunks.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/run.ts";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { PRICED_COLUMNS } from "../../src/dataset/priced-columns.ts";
import { checkOutputs } from "../check-outputs.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const NOW = () => new Date("2026-07-20T06:00:00Z");

async function runWith(out: string, threads: number, chunkBytes?: number) {
  return run({ logs: ["data/sample"], pricingDir: "pricing", policiesDir: "policies", out, threads, chunkBytes, cwd: ROOT, now: NOW });
}

/** Everything a reader sees: CSV bytes, the manifest (minus Parquet bytes and hashes, which depend on row groups) and every priced row. */
async function snapshot(out: string) {
  const csv = [
    "rejects.csv",
    "focus/focus.csv",
    ...(await readdir(path.join(out, "extracts"))).filter((f) => f.endsWith(".csv")).map((f) => `extracts/${f}`),
  ];
  const contents = Object.fromEntries(await Promise.all(csv.map(async (f) => [f, await readFile(path.join(out, f), "utf8")])));
  const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8"));
  delete manifest.duration_ms;
  for (const file of [
    ...manifest.outputs.priced,
    ...manifest.outputs.extracts.flatMap((e: { files: unknown[] }) => e.files),
    ...manifest.outputs.focus.files,
  ]) {
    if (file.format === "parquet") {
      delete file.bytes;
      delete file.sha256;
    }
  }
  const rows: Record<string, unknown[]> = {};
  for (const day of (await readdir(path.join(out, "priced"))).sort()) {
    const { columns } = await readParquet(path.join(out, "priced", day, "part-00000.parquet"));
    rows[day] = columns.request_id!.map((_, i) => PRICED_COLUMNS.map(([name]) => columns[name]![i]));
  }
  return { contents, manifest, rows };
}

let single: Awaited<ReturnType<typeof snapshot>>;
let parallel: Awaited<ReturnType<typeof snapshot>>;
let chunks = 0;

beforeAll(async () => {
  const dir = await writeTempTree({});
  await runWith(path.join(dir, "one"), 0);
  const result = await runWith(path.join(dir, "two"), 2, 64 << 10);
  chunks = result.timings.threads;
  await checkOutputs(path.join(dir, "one"));
  await checkOutputs(path.join(dir, "two"));
  single = await snapshot(path.join(dir, "one"));
  parallel = await snapshot(path.join(dir, "two"));
}, 60_000);

describe("costs run with worker threads and small chunks", () => {
  it("used two threads", () => {
    expect(chunks).toBe(2);
  });
  it("counts every outcome the same way (duplicates across chunks included)", () => {
    expect(parallel.manifest.counts).toEqual(single.manifest.counts);
    expect(single.manifest.counts.duplicates).toBeGreaterThan(20);
  });
  it("writes byte-identical CSV (rejects, extracts, FOCUS) and the same manifest", () => {
    expect(parallel.contents).toEqual(single.contents);
    expect(parallel.manifest).toEqual(single.manifest);
  });
  it("writes the same priced rows, in the same order, day by day", () => {
    expect(Object.keys(parallel.rows)).toHaveLength(30);
    expect(parallel.rows).toEqual(single.rows);
  });
});
