import path from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { describe, expect, it } from "vitest";
import { PipelineError } from "../../lib/errors.ts";
import type { IngestItem } from "../../schemas/log-row.ts";
import { collect, gzip, writeInputs } from "./__fixtures__/inputs.ts";
import { readLogs, type FileStats, type ReadLogsOptions } from "./index.ts";

/** Items as `file:line` plus the request_id of a row or the reason of a reject. */
function summary(items: IngestItem[], dir: string): string[] {
  return items.map((item) => `${path.relative(dir, item.file)}:${item.line} ${item.kind === "row" ? item.row.request_id : `reject: ${item.reason}`}`);
}

async function read(dir: string, files: string[], options: ReadLogsOptions = {}) {
  const stats: FileStats[] = [];
  const items = await collect(readLogs(files.map((f) => path.join(dir, f)), { ...options, onFile: (s) => stats.push({ ...s, file: path.relative(dir, s.file) }) }));
  return { items, stats };
}

const canonicalJson = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ request_id: id, timestamp: "2026-03-01T12:00:00Z", model: "openai-main/gpt-4o", input_tokens: 100, output_tokens: 10, ...extra });

function truefoundryParquet(): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: "TraceId", data: ["t1", "t1"], type: "STRING" },
        { name: "SpanId", data: ["s1", "s2"], type: "STRING" },
        { name: "CreatedAt", data: [new Date(Date.UTC(2026, 2, 1, 9)), new Date(Date.UTC(2026, 2, 1, 9))], type: "TIMESTAMP" },
        { name: "ModelName", data: ["openai-main/gpt-4o", null], type: "STRING" },
        { name: "VirtualModelName", data: [null, "router/smart"], type: "STRING" },
        { name: "InputTokens", data: [1200n, 1200n], type: "INT64" },
        { name: "OutputTokens", data: [30n, 30n], type: "INT64" },
        { name: "CostInUSD", data: [0.0033, 0.0033], type: "DOUBLE" },
        { name: "Metadata", data: [{ env: "prod" }, null], type: "JSON" },
        { name: "Teams", data: [["payments"], ["payments"]] },
        { name: "CreatedBySubjectType", data: ["User", "User"], type: "STRING" },
        { name: "LatencyMs", data: [120.5, 130], type: "DOUBLE" },
      ],
    }),
  );
}

describe("readLogs", () => {
  it("reads every format, gzipped or not, file by file in the given order, detecting the preset per file", async () => {
    const anthropic = JSON.stringify({ request_id: "msg_1", timestamp: "2026-03-01", model: "anthropic-main/claude-haiku-4-5", usage: { input_tokens: 5, cache_read_input_tokens: 100, output_tokens: 7 } });
    const dir = await writeInputs({
      "a.jsonl": `${canonicalJson("j1")}\n\n${canonicalJson("j2", { latency_ms: 5 })}\n`,
      "b.csv.gz": gzip("request_id,timestamp,model,input_tokens,output_tokens\nc1,2026-03-01,openai-main/gpt-4o,5,1\n"),
      "c.parquet.gz": gzip(truefoundryParquet()),
      "d.ndjson.gz": gzip(`${anthropic}\n`),
    });
    const { items, stats } = await read(dir, ["a.jsonl", "b.csv.gz", "c.parquet.gz", "d.ndjson.gz"]);
    expect(summary(items, dir)).toEqual(["a.jsonl:1 j1", "a.jsonl:3 j2", "b.csv.gz:2 c1", "c.parquet.gz:1 t1:s1", "c.parquet.gz:2 t1:s2", "d.ndjson.gz:1 msg_1"]);
    expect(items[3]).toMatchObject({
      kind: "row",
      row: { timestamp: Date.UTC(2026, 2, 1, 9), model: "openai-main/gpt-4o", input_tokens: 1200, reported_cost_usd: "0.0033", metadata: { env: "prod" }, teams: ["payments"], subject_type: "user" },
    });
    expect(items[4]).toMatchObject({ kind: "row", row: { model: "router/smart", virtual_model: "router/smart", metadata: {} } });
    expect(items[5]).toMatchObject({ kind: "row", row: { input_tokens: 105, cache_read_tokens: 100, output_tokens: 7 } });
    expect(stats).toEqual([
      { file: "a.jsonl", format: "jsonl", gzip: false, preset: "canonical", rows: 2, rejects: 0, ignored_columns: ["latency_ms"] },
      { file: "b.csv.gz", format: "csv", gzip: true, preset: "canonical", rows: 1, rejects: 0, ignored_columns: [] },
      { file: "c.parquet.gz", format: "parquet", gzip: true, preset: "truefoundry", rows: 2, rejects: 0, ignored_columns: ["LatencyMs"] },
      { file: "d.ndjson.gz", format: "jsonl", gzip: true, preset: "anthropic", rows: 1, rejects: 0, ignored_columns: [] },
    ]);
  });

  it("yields exactly one item per non-blank line of a broken file, each reject with its line, reason and raw text", async () => {
    const lines = [
      canonicalJson("ok-1"),
      "",
      '{"request_id":"cut","timestamp":"2026-03-01T12:00:00Z","mod',
      canonicalJson("wrong-type", { input_tokens: "many" }),
      canonicalJson("negative", { output_tokens: -5 }),
      "   ",
      canonicalJson("cache", { cache_read_tokens: 80, cache_write_tokens: 30 }),
      canonicalJson("no-time", { timestamp: null }),
      canonicalJson("typo", { outptu_tokens: 9 }),
      "[]",
      canonicalJson("ok-2"),
      "",
    ];
    const dir = await writeInputs({ "broken.jsonl": lines.join("\r\n") });
    const { items, stats } = await read(dir, ["broken.jsonl"]);
    expect(items).toHaveLength(lines.filter((l) => l.trim() !== "").length);
    expect(summary(items, dir).map((s) => s.replace(/invalid JSON: .*/, "invalid JSON: …"))).toEqual([
      "broken.jsonl:1 ok-1",
      "broken.jsonl:3 reject: invalid JSON: …",
      'broken.jsonl:4 reject: input_tokens must be a whole number, got "many"',
      "broken.jsonl:5 reject: output_tokens must be ≥ 0, got -5",
      "broken.jsonl:7 reject: cache_read_tokens + cache_write_tokens (110) exceed input_tokens (100)",
      "broken.jsonl:8 reject: missing timestamp",
      "broken.jsonl:9 reject: unknown column `outptu_tokens` (did you mean `output_tokens`?)",
      "broken.jsonl:10 reject: not a JSON object",
      "broken.jsonl:11 ok-2",
    ]);
    expect(items[2]).toEqual({ kind: "reject", file: path.join(dir, "broken.jsonl"), line: 4, reason: 'input_tokens must be a whole number, got "many"', raw: lines[3] });
    expect(stats).toEqual([{ file: "broken.jsonl", format: "jsonl", gzip: false, preset: "canonical", rows: 9, rejects: 7, ignored_columns: [] }]);
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

  it("turns whole-file problems into rejects: empty file, truncated gzip, unreadable Parquet", async () => {
    const many = Array.from({ length: 3 }, (_, i) => canonicalJson(`g${i}`)).join("\n") + "\n";
    const dir = await writeInputs({
      "empty.csv": "request_id,timestamp,model\n",
      "cut.jsonl.gz": gzip(many, 8),
      "bad.parquet": "PAR1 definitely not parquet",
    });
    const { items, stats } = await read(dir, ["empty.csv", "cut.jsonl.gz", "bad.parquet"]);
    expect(summary(items, dir)).toEqual([
      "empty.csv:0 reject: empty file: no rows",
      "cut.jsonl.gz:1 g0",
      "cut.jsonl.gz:2 g1",
      "cut.jsonl.gz:3 g2",
      "cut.jsonl.gz:4 reject: truncated or corrupt gzip: unexpected end of file",
      "bad.parquet:0 reject: unreadable Parquet file: parquet file invalid (footer != PAR1)",
    ]);
    expect(stats.map((s) => [s.file, s.preset, s.rows, s.rejects])).toEqual([
      ["empty.csv", null, 1, 1],
      ["cut.jsonl.gz", "canonical", 4, 1],
      ["bad.parquet", null, 1, 1],
    ]);
  });

  it("uses a forced preset or a mapping for every file instead of detecting one", async () => {
    const tf = JSON.stringify({ TraceId: "t", SpanId: "s", CreatedAt: "2026-03-01 10:00:00", ModelName: "m", InputTokens: 3 });
    const dir = await writeInputs({ "tf.jsonl": `${tf}\n`, "other.jsonl": `${JSON.stringify({ id: "x1", at: "2026-03-01", model: "m" })}\n` });
    const forced = await read(dir, ["tf.jsonl"], { preset: "canonical" });
    const typo = "reject: unknown column `InputTokens` (did you mean `input_tokens`?)";
    expect(summary(forced.items, dir)).toEqual([`tf.jsonl:1 ${typo}`]);
    expect(forced.stats[0]).toMatchObject({ preset: "canonical", ignored_columns: ["CreatedAt", "ModelName", "SpanId", "TraceId"] });

    const mapped = await read(dir, ["tf.jsonl", "other.jsonl"], { preset: "truefoundry", mapping: { columns: { request_id: "id", timestamp: "at" } } });
    expect(summary(mapped.items, dir)).toEqual([`tf.jsonl:1 ${typo}`, "other.jsonl:1 x1"]);
    expect(mapped.stats.map((s) => s.preset)).toEqual(["mapping", "mapping"]);
  });

  it("cuts the raw text of a reject to 4096 characters", async () => {
    const long = canonicalJson("long", { input_tokens: -1, note: "n".repeat(10_000) });
    const dir = await writeInputs({ "long.jsonl": `${long}\n` });
    const { items } = await read(dir, ["long.jsonl"]);
    expect(items[0]).toMatchObject({ kind: "reject", reason: "input_tokens must be ≥ 0, got -1", raw: long.slice(0, 4096) });
  });

  it("refuses a file of an unsupported type", async () => {
    const dir = await writeInputs({ "notes.txt": "x" });
    await expect(read(dir, ["notes.txt"])).rejects.toThrow(PipelineError);
  });
});
