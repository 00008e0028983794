/**
 * Broken input never stops a run: each bad row or file becomes a reject with file, line
 * and reason, the good rows are priced, and every row is accounted for.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { parquetWriteBuffer } from "hyparquet-writer";
import { beforeAll, describe, expect, it } from "vitest";
import { formatNano } from "../../src/pricing/money.ts";
import { checkOutputs } from "../check-outputs.ts";
import { PRICING_FIXTURE } from "../pricing-fixture.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

let dir: string;
const line = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    request_id: id,
    timestamp: "2026-03-01T10:00:00Z",
    model: "acme-main/flat",
    input_tokens: 1000,
    output_tokens: 500,
    ...extra,
  });

const costs = (...argv: string[]) => runCli(dir, ...argv);

beforeAll(async () => {
  dir = await writeTempTree(Object.fromEntries(Object.entries(PRICING_FIXTURE).map(([k, v]) => [`pricing/${k}`, v])));
  // a gzip cut off in its last bytes: the complete lines before the cut are still read
  const gz = gzipSync(Buffer.from(`${Array.from({ length: 200 }, (_, i) => line(`g${i}`)).join("\n")}\n`));
  await writeFile(path.join(dir, "a-truncated.jsonl.gz"), gz.subarray(0, gz.length - 300));
  await writeFile(
    path.join(dir, "b-export.csv"),
    [
      "request_id,timestamp,model,input_tokens,output_tokens,latency_ms",
      "c1,2026-03-01T10:00:00Z,acme-main/flat,1000,500,12",
      "c2,2026-03-01T10:00:00Z,acme-main/flat,ten,500,12",
      "c3,2026-03-01T10:00:00Z,acme-main/flat,1000,500,12,extra-cell",
      "c4,,acme-main/flat,1000,500,12",
      "c5,2026-03-01T10:00:00Z,acme-main/flat,1000,500,13",
      "",
    ].join("\n"),
  );
  const parquet = parquetWriteBuffer({
    columnData: [
      { name: "request_id", data: ["p1", "p2", "p3"], type: "STRING" },
      { name: "timestamp", data: ["2026-03-02T10:00:00Z", "2026-03-02T10:00:00Z", "2026-03-02T10:00:00Z"], type: "STRING" },
      { name: "model", data: ["acme-main/flat", "acme-main/flat", "acme-main/flat"], type: "STRING" },
      { name: "input_tokens", data: [1000, -3, 10], type: "INT32" },
      { name: "cache_read_tokens", data: [0, 0, 50], type: "INT32" },
      { name: "output_tokens", data: [500, 1, 1], type: "INT32" },
    ],
  });
  await writeFile(path.join(dir, "c-rows.parquet"), new Uint8Array(parquet));
  await writeFile(path.join(dir, "d-not-parquet.parquet"), "this is not parquet");
  await writeFile(path.join(dir, "e-empty.csv"), "");
});

describe("broken input", () => {
  it("yields rejects with file, line and reason while the run goes on", async () => {
    const { code, err } = await costs(
      "run",
      "--logs",
      ".",
      "--pricing-dir",
      "pricing",
      "--policies-dir",
      "policies",
      "--out",
      "out",
      "--no-progress",
    );
    expect(err).toBe("");
    expect(code).toBe(0);
    const manifest = await checkOutputs(path.join(dir, "out"));
    const rejects = parse(await readFile(path.join(dir, "out/rejects.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    const truncated = rejects.filter((r) => r.file === "a-truncated.jsonl.gz");
    expect(truncated).toHaveLength(1);
    expect(truncated[0]!.reason).toMatch(/^truncated or corrupt gzip: /);
    const goodGz = manifest.inputs[0].rows - 1;
    expect(goodGz).toBeGreaterThan(50);
    expect(Number(truncated[0]!.line)).toBe(goodGz + 1);
    expect(rejects.filter((r) => r.file !== "a-truncated.jsonl.gz").map((r) => [r.file, r.line, r.reason])).toEqual([
      ["b-export.csv", "3", 'input_tokens must be a whole number, got "ten"'],
      ["b-export.csv", "4", expect.stringMatching(/column/i)],
      ["b-export.csv", "5", "missing timestamp"],
      ["c-rows.parquet", "2", "input_tokens must be ≥ 0, got -3"],
      ["c-rows.parquet", "3", "cache_read_tokens + cache_write_tokens (50) exceed input_tokens (10)"],
      ["d-not-parquet.parquet", "0", expect.stringMatching(/^unreadable Parquet file/)],
      ["e-empty.csv", "0", "empty file: no rows"],
    ]);
    // 0.001 + 0.001 + 0.005 for each good row: the truncated gzip's complete lines, c1, c5 and p1
    expect(manifest.counts).toEqual({
      rows_read: goodGz + 1 + 5 + 3 + 1 + 1,
      priced: goodGz + 3,
      unpriced: 0,
      rejected: 8,
      duplicates: 0,
      virtual_parents: 0,
      out_of_window: 0,
    });
    expect(manifest.dataset.cost_usd).toBe(formatNano(BigInt(goodGz + 3) * 7_000_000n));
    // Unknown columns that are not misspellings are ignored and listed.
    expect(manifest.inputs.find((i: { file: string }) => i.file === "b-export.csv").ignored_columns).toEqual(["latency_ms"]);
  });

  it("a log path that matches nothing is an error, not an empty run", async () => {
    const { code, err } = await costs("run", "--logs", "nothing-*.jsonl", "--pricing-dir", "pricing", "--out", "out4", "--no-progress");
    expect(code).toBe(1);
    expect(err).toMatch(/nothing-\*\.jsonl/);
  });
  it("a broken pricing file stops the run before anything is written", async () => {
    await writeFile(
      path.join(dir, "pricing/private/contract.yaml"),
      "prices:\n  - model: priv/ft\n    effective_from: 2026-13-01\n    costs: {}\n    source: x\n",
    );
    const { code, err } = await costs("run", "--logs", "b-export.csv", "--pricing-dir", "pricing", "--out", "out3", "--no-progress");
    expect(code).toBe(1);
    expect(err).toBe(
      "error: pricing/private/contract.yaml:3 prices[0].effective_from: must be a UTC date (2026-01-01) or an ISO 8601 timestamp\n",
    );
    await expect(readdir(path.join(dir, "out3"))).rejects.toThrow(/ENOENT/);
  });
});
