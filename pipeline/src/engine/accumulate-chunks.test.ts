import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { readParquet } from "../parquet/read-parquet.ts";
import { createProcessor, logRow } from "./__fixtures__/processor.ts";
import { ChunkAccumulator } from "./accumulate-chunks.ts";
import { DayFiles } from "./day-files.ts";
import { RejectsFile } from "./rejects-file.ts";
import { Rollups } from "./rollup.ts";

const FILE = "a.jsonl";
const BAD_JSON = "invalid JSON: Unexpected end of JSON input";
let accumulator: ChunkAccumulator;
let rollups: Rollups;
let days: ReturnType<DayFiles["close"]>;
let out: string;

beforeAll(async () => {
  const { processor } = await createProcessor({ since: "2026-03-01", until: "2026-03-31" });
  out = await writeTempTree({});
  rollups = new Rollups([], [{ name: "stats", dimensions: ["date", "price_source"] }]);
  const dayFiles = new DayFiles((relative) => path.join(out, relative), { pricing_version: "v-test" });
  const rejects = new RejectsFile(path.join(out, "rejects.csv"));
  accumulator = new ChunkAccumulator(rollups, dayFiles, rejects);
  const add = (line: number, over: Parameters<typeof logRow>[0]) =>
    processor.add({ kind: "row", row: logRow(over), file: FILE, line }, FILE);
  const bad = (line: number) => processor.addReject({ file: FILE, line, reason: BAD_JSON, raw: "{" });

  // Chunk 1
  add(1, { request_id: "a", input_tokens: 1000, output_tokens: 100 }); // 1,000,000 + 200,000 nano
  bad(2);
  add(3, { request_id: "a", timestamp: Date.UTC(2026, 2, 2) }); // duplicate, alone in its day
  add(4, { request_id: "p", input_tokens: 1, cache_read_tokens: 2 }); // price reject
  add(5, { request_id: "o", timestamp: Date.UTC(2026, 1, 1) }); // out of window
  add(6, { request_id: "v", virtual_model: "router/x" });
  add(7, { request_id: "b", subject: "bob", input_tokens: 10 }); // 10,000 nano
  add(8, { request_id: "b", input_tokens: 5 }); // duplicate in the same segment
  accumulator.accept(processor.take());
  // Chunk 2
  add(9, { request_id: "a" }); // duplicate of a row of the first chunk
  add(10, { request_id: "p", input_tokens: 3 }); // the first "p" was a reject: this one is still a duplicate
  add(11, { request_id: "o" }); // so is a row in the window after one out of it
  add(12, { request_id: "u", model: "nobody/model", input_tokens: 7 }); // unpriced
  bad(13);
  add(14, { request_id: "h", model: "acme-main/huge", input_tokens: 100_000_000_000 }); // cost over the limit
  bad(15);
  add(16, { request_id: "a", input_tokens: 1, cache_read_tokens: 2 }); // a duplicate that would be a price reject
  accumulator.accept(processor.take());
  accumulator.acceptReject({ file: "b.jsonl", line: 0, reason: "empty file: no rows", raw: "" });

  days = dayFiles.close();
  rejects.close();
});

describe("ChunkAccumulator", () => {
  it("puts every row read in exactly one bucket, keeping the first row of each request_id across chunks", () => {
    expect(accumulator.counts).toEqual({ rows_read: 17, rejected: 6, duplicates: 6, virtual_parents: 1, out_of_window: 1 });
    const stats = [...rollups.get("stats").entries()].map((e) => [e.values.date, e.values.price_source, e.requests, e.cost]);
    expect(stats).toEqual([
      ["2026-03-01", "public", 2, 1_210_000n],
      ["2026-03-01", "unpriced", 1, 0n],
    ]);
    const priced = stats.reduce((n, s) => n + (s[2] as number), 0);
    const c = accumulator.counts;
    expect(priced + c.rejected + c.duplicates + c.virtual_parents + c.out_of_window).toBe(c.rows_read);
  });

  it("writes the rejects in input order, ingest and price rejects of a chunk merged by line, duplicates left out", () => {
    const rows = parse(readFileSync(path.join(out, "rejects.csv"), "utf8"), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => [`${r.file}:${r.line}`, r.reason])).toEqual([
      ["a.jsonl:2", BAD_JSON],
      ["a.jsonl:4", "cache_read_tokens + cache_write_tokens (2) exceed input_tokens (1); input_tokens must include cached tokens"],
      ["a.jsonl:13", BAD_JSON],
      [
        "a.jsonl:14",
        "cost_usd 1000000000.000000000 is too large: a row's cost must be below 1,000,000,000 USD (DECIMAL(18,9) money columns)",
      ],
      ["a.jsonl:15", BAD_JSON],
      ["b.jsonl:0", "empty file: no rows"],
    ]);
  });

  it("writes the kept rows of each day and no file for a day whose rows were all duplicates", async () => {
    expect(days.map((d) => [d.relative, d.rows])).toEqual([["priced/date=2026-03-01/part-00000.parquet", 3]]);
    const { columns } = await readParquet(path.join(out, days[0]!.relative), ["request_id", "source_line", "cost_usd"]);
    expect(columns).toEqual({ request_id: ["a", "b", "u"], source_line: [1n, 7n, 12n], cost_usd: [1_200_000n, 10_000n, null] });
  });
});
