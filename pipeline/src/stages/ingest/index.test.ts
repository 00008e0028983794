import path from "node:path";
import { describe, expect, it } from "vitest";
import { PipelineError } from "../../lib/errors.ts";
import type { IngestItem } from "../../schemas/log-row.ts";
import { collect, gzip, truefoundryParquet, writeInputs } from "./__fixtures__/inputs.ts";
import { readLogs, type FileStats, type ReadLogsOptions } from "./index.ts";

/** Items as `file:line` plus the request_id of a row or the reason of a reject. */
function summary(items: IngestItem[], dir: string): string[] {
  return items.map(
    (item) => `${path.relative(dir, item.file)}:${item.line} ${item.kind === "row" ? item.row.request_id : `reject: ${item.reason}`}`,
  );
}

async function read(dir: string, files: string[], options: ReadLogsOptions = {}) {
  const stats: FileStats[] = [];
  const items = await collect(
    readLogs(
      files.map((f) => path.join(dir, f)),
      { ...options, onFile: (s) => stats.push({ ...s, file: path.relative(dir, s.file) }) },
    ),
  );
  return { items, stats };
}

describe("readLogs", () => {
  it("reads CSV and Parquet, gzipped or not, file by file in the given order, detecting the preset per file", async () => {
    const dir = await writeInputs({
      "b.csv.gz": gzip("request_id,timestamp,model,input_tokens,output_tokens\nc1,2026-03-01,openai-main/gpt-4o,5,1\n"),
      "c.parquet.gz": gzip(truefoundryParquet()),
    });
    const { items, stats } = await read(dir, ["b.csv.gz", "c.parquet.gz"]);
    expect(summary(items, dir)).toEqual(["b.csv.gz:2 c1", "c.parquet.gz:1 t1:s1", "c.parquet.gz:2 t1:s2"]);
    expect(items[1]).toMatchObject({
      kind: "row",
      row: {
        timestamp: Date.UTC(2026, 2, 1, 9),
        model: "openai-main/gpt-4o",
        input_tokens: 1200,
        reported_cost_usd: "0.0033",
        metadata: { env: "prod" },
        teams: ["payments"],
        subject_type: "user",
      },
    });
    expect(items[2]).toMatchObject({ kind: "row", row: { model: "router/smart", virtual_model: "router/smart", metadata: {} } });
    expect(stats).toEqual([
      {
        file: "b.csv.gz",
        format: "csv",
        gzip: true,
        preset: "canonical",
        rows: 1,
        rejects: 0,
        ignored_columns: [],
        supplied_price_fields: [],
      },
      {
        file: "c.parquet.gz",
        format: "parquet",
        gzip: true,
        preset: "truefoundry",
        rows: 2,
        rejects: 0,
        ignored_columns: ["LatencyMs"],
        supplied_price_fields: [],
      },
    ]);
  });

  it("rejects every row of a CSV with a misspelled column, and a row with too many cells, each at its line", async () => {
    const dir = await writeInputs({
      "typo.csv": "request_id,timestamp,model,input_token,notes\nr1,2026-03-01,m,5,a\nr2,2026-03-01,m,6,b,extra\nr3,2026-03-01,m,7,c\n",
      "extra.csv": "request_id,timestamp,model,input_tokens\nr1,2026-03-01,m,5\nr2,2026-03-01,m,6,7\n",
    });
    const { items, stats } = await read(dir, ["typo.csv", "extra.csv"]);
    const typo = "reject: unknown column `input_token` (did you mean `input_tokens`?)";
    expect(summary(items, dir)).toEqual([
      `typo.csv:2 ${typo}`,
      "typo.csv:3 reject: expected 5 columns as in the header, got 6",
      `typo.csv:4 ${typo}`,
      "extra.csv:2 r1",
      "extra.csv:3 reject: expected 4 columns as in the header, got 5",
    ]);
    expect(stats.map((s) => [s.file, s.rows, s.rejects, s.ignored_columns])).toEqual([
      ["typo.csv", 3, 3, ["notes"]],
      ["extra.csv", 2, 1, []],
    ]);
  });

  it("turns whole-file problems into rejects: empty file, unreadable Parquet", async () => {
    const dir = await writeInputs({ "empty.csv": "request_id,timestamp,model\n", "bad.parquet": "PAR1 definitely not parquet" });
    const { items, stats } = await read(dir, ["empty.csv", "bad.parquet"]);
    expect(summary(items, dir)).toEqual([
      "empty.csv:0 reject: empty file: no rows",
      "bad.parquet:0 reject: unreadable Parquet file: parquet file invalid (footer != PAR1)",
    ]);
    expect(stats.map((s) => [s.file, s.preset, s.rows, s.rejects])).toEqual([
      ["empty.csv", null, 1, 1],
      ["bad.parquet", null, 1, 1],
    ]);
  });

  it("uses a forced preset or a mapping for every file instead of detecting one", async () => {
    const dir = await writeInputs({
      "tf.csv": "TraceId,SpanId,CreatedAt,ModelName,InputTokens\nt,s,2026-03-01 10:00:00,m,3\n",
      "other.csv": "id,at,model\nx1,2026-03-01,m\n",
    });
    const forced = await read(dir, ["tf.csv"], { preset: "canonical" });
    const typo = "reject: unknown column `InputTokens` (did you mean `input_tokens`?)";
    expect(summary(forced.items, dir)).toEqual([`tf.csv:2 ${typo}`]);
    expect(forced.stats[0]).toMatchObject({ preset: "canonical", ignored_columns: ["CreatedAt", "ModelName", "SpanId", "TraceId"] });

    const mapped = await read(dir, ["tf.csv", "other.csv"], {
      preset: "truefoundry",
      mapping: { columns: { request_id: "id", timestamp: "at" } },
    });
    expect(summary(mapped.items, dir)).toEqual([`tf.csv:2 ${typo}`, "other.csv:2 x1"]);
    expect(mapped.stats.map((s) => s.preset)).toEqual(["mapping", "mapping"]);
  });

  it("cuts the raw text of a reject to 4096 characters", async () => {
    const long = `long,2026-03-01,m,-1,${"n".repeat(10_000)}`;
    const dir = await writeInputs({ "long.csv": `request_id,timestamp,model,input_tokens,note\n${long}\n` });
    const { items } = await read(dir, ["long.csv"]);
    expect(items[0]).toMatchObject({ kind: "reject", line: 2, reason: "input_tokens must be ≥ 0, got -1", raw: long.slice(0, 4096) });
  });

  it("refuses a file of an unsupported type, and JSON Lines (costs run reads them in chunks: engine/read-inputs.ts)", async () => {
    const dir = await writeInputs({ "notes.txt": "x", "a.jsonl": "{}\n" });
    await expect(read(dir, ["notes.txt"])).rejects.toThrow(PipelineError);
    await expect(read(dir, ["a.jsonl"])).rejects.toThrow(/JSON Lines .* are read by engine\/read-inputs\.ts/);
  });
});
