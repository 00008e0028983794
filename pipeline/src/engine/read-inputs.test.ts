/**
 * How `costs run` reads its inputs, end to end up to the run's outputs: JSON Lines cut into
 * chunks (split-jsonl.ts) and parsed with the ingest rules (parse-jsonl-chunk.ts), CSV and
 * Parquet through stages/ingest's readers; every row priced, deduplicated and written to
 * its day file, every reject to rejects.csv. Each test reads the day files and rejects
 * back.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { PipelineError } from "../lib/errors.ts";
import { readParquet } from "../parquet/read-parquet.ts";
import type { ColumnMapping, PresetName } from "../schemas/column-mapping.schema.ts";
import type { Reject } from "../schemas/log-row.ts";
import { gzip, truefoundryParquet, writeInputs } from "../stages/ingest/__fixtures__/inputs.ts";
import type { FileStats } from "../stages/ingest/index.ts";
import { MAX_LINE_CHARS } from "../stages/ingest/parse-jsonl-lines.ts";
import { createProcessor, type TestProcessor } from "./__fixtures__/processor.ts";
import { ChunkAccumulator, type MergeCounts } from "./accumulate-chunks.ts";
import { DayFiles } from "./day-files.ts";
import { readInputs } from "./read-inputs.ts";
import { RejectsFile } from "./rejects-file.ts";
import { Rollups } from "./rollup.ts";
import { ThreadPool } from "./thread-pool.ts";

/** Columns of the priced rows the tests look at. */
const ROW_COLUMNS = ["request_id", "source_file", "source_line", "model", "input_tokens", "cache_read_tokens", "metadata"];

interface Read {
  stats: FileStats[];
  /** Rows and rejects in input order: `file:line request_id`, or `file:line reject: reason`. */
  items: string[];
  rejects: Reject[];
  rows: Array<Record<string, unknown>>;
  counts: MergeCounts;
}

let fixture: TestProcessor;
beforeAll(async () => {
  fixture = await createProcessor();
});

/** Runs readInputs on `files` (written to a temp folder, the cwd) in the order of `inputs`, as `costs run` does. */
async function readThrough(
  files: Record<string, string | Uint8Array>,
  inputs: string[],
  options: { preset?: "auto" | PresetName; mapping?: ColumnMapping; chunkBytes?: number; threads?: number } = {},
): Promise<Read> {
  const dir = await writeInputs(files);
  const out = await writeTempTree({});
  const dayFiles = new DayFiles((relative) => path.join(out, relative), {});
  const rejectsFile = new RejectsFile(path.join(out, "rejects.csv"));
  const accumulator = new ChunkAccumulator(new Rollups([], []), dayFiles, rejectsFile);
  const pool = options.threads
    ? await ThreadPool.start(options.threads, { pricingDir: fixture.pricingDir, policiesDir: fixture.policiesDir })
    : undefined;
  let stats: FileStats[];
  try {
    stats = await readInputs(
      inputs.map((f) => path.join(dir, f)),
      {
        cwd: dir,
        preset: options.preset ?? "auto",
        mapping: options.mapping,
        processor: fixture.processor,
        accumulator,
        pool,
        chunkBytes: options.chunkBytes,
        inputHashes: new Map(),
        timings: { read: 0, parse: 0 },
      },
    );
  } finally {
    await pool?.close();
    rejectsFile.close();
  }
  const rows: Array<Record<string, unknown>> = [];
  for (const day of dayFiles.close()) {
    const { columns } = await readParquet(path.join(out, day.relative), ROW_COLUMNS);
    for (let i = 0; i < columns.request_id!.length; i++)
      rows.push(Object.fromEntries(ROW_COLUMNS.map((c) => [c, c === "source_line" ? Number(columns[c]![i]) : columns[c]![i]])));
  }
  const csv = parse(readFileSync(path.join(out, "rejects.csv"), "utf8"), { columns: true }) as Array<Record<string, string>>;
  const rejects = csv.map((r) => ({ file: r.file!, line: Number(r.line), reason: r.reason!, raw: r.raw! }));

  // Both outputs are in input order (files as given, then line); together they are every item.
  const order = (file: string, line: number) => inputs.indexOf(file) * 1e9 + line;
  const inOrder = <T>(list: T[], key: (t: T) => number) => [...list].sort((a, b) => key(a) - key(b));
  expect(rejects).toEqual(inOrder(rejects, (r) => order(r.file, r.line)));
  expect(rows).toEqual(inOrder(rows, (r) => order(r.source_file as string, r.source_line as number)));
  const items = inOrder(
    [
      ...rows.map((r) => ({ file: r.source_file as string, line: r.source_line as number, text: r.request_id as string })),
      ...rejects.map((r) => ({ ...r, text: `reject: ${r.reason}` })),
    ],
    (i) => order(i.file, i.line),
  ).map((i) => `${i.file}:${i.line} ${i.text}`);
  return { stats, items, rejects, rows, counts: accumulator.counts };
}

const canonicalJson = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    request_id: id,
    timestamp: "2026-03-01T12:00:00Z",
    model: "acme-main/small",
    input_tokens: 100,
    output_tokens: 10,
    ...extra,
  });

/** `invalid JSON: <the parser's words>` as `invalid JSON: …`. */
const shortJson = (items: string[]) => items.map((s) => s.replace(/invalid JSON: .*/, "invalid JSON: …"));

describe("readInputs", () => {
  it("reads every format, gzipped or not, file by file in the given order, detecting the preset per file", async () => {
    const anthropic = JSON.stringify({
      request_id: "msg_1",
      timestamp: "2026-03-01",
      model: "anthropic-main/claude-haiku-4-5",
      usage: { input_tokens: 5, cache_read_input_tokens: 100, output_tokens: 7 },
    });
    const { items, stats, rows, counts } = await readThrough(
      {
        "a.jsonl": `${canonicalJson("j1")}\n\n${canonicalJson("j2", { latency_ms: 5 })}\n`,
        "b.csv.gz": gzip("request_id,timestamp,model,input_tokens,output_tokens\nc1,2026-03-01,acme-main/small,5,1\n"),
        "c.parquet.gz": gzip(truefoundryParquet()),
        "d.ndjson.gz": gzip(`${anthropic}\n`),
      },
      ["a.jsonl", "b.csv.gz", "c.parquet.gz", "d.ndjson.gz"],
    );
    // The Parquet file's second span is a virtual-model parent: counted, not priced.
    expect(items).toEqual(["a.jsonl:1 j1", "a.jsonl:3 j2", "b.csv.gz:2 c1", "c.parquet.gz:1 t1:s1", "d.ndjson.gz:1 msg_1"]);
    expect(counts).toMatchObject({ rows_read: 6, virtual_parents: 1, rejected: 0 });
    expect(rows[4]).toMatchObject({ input_tokens: 105n, cache_read_tokens: 100n }); // Anthropic's input excludes the cache
    expect(stats).toEqual([
      {
        file: "a.jsonl",
        format: "jsonl",
        gzip: false,
        preset: "canonical",
        rows: 2,
        rejects: 0,
        ignored_columns: ["latency_ms"],
        supplied_price_fields: [],
      },
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
      {
        file: "d.ndjson.gz",
        format: "jsonl",
        gzip: true,
        preset: "anthropic",
        rows: 1,
        rejects: 0,
        ignored_columns: [],
        supplied_price_fields: ["cache_read_tokens"],
      },
    ]);
  });

  it("gives one item per non-blank line at its physical line: byte-order mark, CRLF, blank and whitespace-only lines, values that are not objects", async () => {
    const text = `\uFEFF${canonicalJson("r1")}\r\n\r\n  \n${canonicalJson("r2")}\n[1,2]\r\n"text"\nnull\n{"c":tru\n${canonicalJson("r3")}`;
    const { items, rejects } = await readThrough({ "a.jsonl": text }, ["a.jsonl"]);
    expect(shortJson(items)).toEqual([
      "a.jsonl:1 r1",
      "a.jsonl:4 r2",
      "a.jsonl:5 reject: not a JSON object",
      "a.jsonl:6 reject: not a JSON object",
      "a.jsonl:7 reject: not a JSON object",
      "a.jsonl:8 reject: invalid JSON: …",
      "a.jsonl:9 r3",
    ]);
    expect(rejects.map((r) => r.raw)).toEqual(["[1,2]", '"text"', "null", '{"c":tru']);
  });

  it("gives exactly one item per non-blank line of a broken file, each reject with its file, line, reason naming the field, and raw text", async () => {
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
    const { items, rejects, stats } = await readThrough({ "broken.jsonl": lines.join("\r\n") }, ["broken.jsonl"]);
    expect(items).toHaveLength(lines.filter((l) => l.trim() !== "").length);
    expect(shortJson(items)).toEqual([
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
    expect(rejects[1]).toEqual({ file: "broken.jsonl", line: 4, reason: 'input_tokens must be a whole number, got "many"', raw: lines[3] });
    expect(stats).toEqual([
      {
        file: "broken.jsonl",
        format: "jsonl",
        gzip: false,
        preset: "canonical",
        rows: 9,
        rejects: 7,
        ignored_columns: [],
        supplied_price_fields: ["cache_read_tokens", "cache_write_tokens"],
      },
    ]);
  });

  it("reports a cut-off last line as invalid JSON at its line, with its text", async () => {
    const { items, rejects } = await readThrough({ "cut.jsonl": `${canonicalJson("r1")}\n{"request_id":"r2","model":"op` }, ["cut.jsonl"]);
    expect(shortJson(items)).toEqual(["cut.jsonl:1 r1", "cut.jsonl:2 reject: invalid JSON: …"]);
    expect(rejects[0]).toMatchObject({ reason: expect.stringMatching(/^invalid JSON: /), raw: '{"request_id":"r2","model":"op' });
  });

  it("reads a line longer than one read of the file", async () => {
    const long = canonicalJson("long", { note: "x".repeat(3_000_000) });
    const { items, stats } = await readThrough(
      { "long.jsonl": `${canonicalJson("r1")}\n${long}\n${canonicalJson("r3")}\n` },
      ["long.jsonl"],
      { chunkBytes: 1 << 20 },
    );
    expect(items).toEqual(["long.jsonl:1 r1", "long.jsonl:2 long", "long.jsonl:3 r3"]);
    expect(stats[0]!.ignored_columns).toEqual(["note"]);
  });

  it("reads non-ASCII text exactly, next to ASCII lines (per-line UTF-8 decoding), in rows and in rejects' raw text", async () => {
    const bad = canonicalJson("ü", { input_tokens: -1, metadata: { team: "Zürich 😀" } });
    const text = `${canonicalJson("plain")}\r\n${canonicalJson("é ü 😀 中文").replace("}", ',"metadata":{"b":"é ü 😀 中文","c":"\\u00e9"}}')}\n${bad}\n${canonicalJson("x")}\n`;
    const { rows, rejects } = await readThrough({ "u.jsonl": text }, ["u.jsonl"]);
    expect(rows.map((r) => [r.source_line, r.request_id, r.metadata])).toEqual([
      [1, "plain", "{}"],
      [2, "é ü 😀 中文", '{"b":"é ü 😀 中文","c":"é"}'],
      [4, "x", "{}"],
    ]);
    expect(rejects).toEqual([{ file: "u.jsonl", line: 3, reason: "input_tokens must be ≥ 0, got -1", raw: bad }]);
  });

  it("reports and skips a line longer than the limit, whether it comes in one read or several, then reads on", async () => {
    const huge = canonicalJson("huge", { note: "x".repeat(MAX_LINE_CHARS) });
    const files = { "huge.jsonl": `${canonicalJson("r1")}\n${huge}\n${canonicalJson("r3")}\n` };
    for (const chunkBytes of [1 << 20, 2 * MAX_LINE_CHARS]) {
      const { items, rejects } = await readThrough(files, ["huge.jsonl"], { chunkBytes });
      expect(items, `${chunkBytes}-byte reads`).toEqual([
        "huge.jsonl:1 r1",
        `huge.jsonl:2 reject: line longer than ${MAX_LINE_CHARS} characters`,
        "huge.jsonl:3 r3",
      ]);
      expect(rejects[0]!.raw).toBe(huge.slice(0, 4096));
    }
  });

  it("reads gzip, and reports an empty file (0 bytes, blank lines, empty gzip) once at line 0", async () => {
    const names = ["a.jsonl.gz", "zero.jsonl", "blank.ndjson", "zero.jsonl.gz", "empty.jsonl.gz"];
    const { items, stats } = await readThrough(
      {
        "a.jsonl.gz": gzip(`${canonicalJson("g1")}\n\n${canonicalJson("g2")}\n`),
        "zero.jsonl": "",
        "blank.ndjson": "\n \r\n",
        "zero.jsonl.gz": "",
        "empty.jsonl.gz": gzip(""),
      },
      names,
    );
    expect(items).toEqual(["a.jsonl.gz:1 g1", "a.jsonl.gz:3 g2", ...names.slice(1).map((n) => `${n}:0 reject: empty file: no rows`)]);
    expect(stats.map((s) => [s.file, s.preset, s.rows, s.rejects])).toEqual([
      ["a.jsonl.gz", "canonical", 2, 0],
      ...names.slice(1).map((n) => [n, null, 1, 1]),
    ]);
  });

  it("reads every complete line of a truncated gzip, then reports it once at the next line", async () => {
    const lines = Array.from({ length: 3 }, (_, i) => canonicalJson(`g${i}`)).join("\n") + "\n";
    const { items, rejects, stats } = await readThrough({ "cut.jsonl.gz": gzip(lines, 8) }, ["cut.jsonl.gz"]);
    expect(items).toEqual([
      "cut.jsonl.gz:1 g0",
      "cut.jsonl.gz:2 g1",
      "cut.jsonl.gz:3 g2",
      "cut.jsonl.gz:4 reject: truncated or corrupt gzip: unexpected end of file",
    ]);
    expect(rejects[0]!.raw).toBe("");
    expect(stats).toEqual([
      {
        file: "cut.jsonl.gz",
        format: "jsonl",
        gzip: true,
        preset: "canonical",
        rows: 4,
        rejects: 1,
        ignored_columns: [],
        supplied_price_fields: [],
      },
    ]);
  });

  it("does not guess at a line cut in the middle of the compressed data", async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => canonicalJson(`m${i}`, { note: "y".repeat(i % 50) })).join("\n") + "\n";
    const full = gzip(lines);
    const { rows, rejects } = await readThrough({ "mid.jsonl.gz": full.subarray(0, Math.floor(full.length / 2)) }, ["mid.jsonl.gz"], {
      chunkBytes: 64 << 10,
    });
    expect(rows.length).toBeGreaterThan(1000);
    expect(rows.every((row, i) => row.source_line === i + 1 && row.request_id === `m${i}`)).toBe(true);
    expect(rejects).toEqual([
      { file: "mid.jsonl.gz", line: rows.length + 1, reason: "truncated or corrupt gzip: unexpected end of file", raw: "" },
    ]);
  });

  it("detects the preset from the first JSON object, chunks later; with none, reads the file as canonical", async () => {
    const tf = (span: string) =>
      JSON.stringify({ TraceId: "t", SpanId: span, CreatedAt: "2026-03-01 10:00:00", ModelName: "acme-main/small", InputTokens: 3 });
    const files = {
      "late.jsonl": `oops\n[1]\n\n${tf("s1")}\n${tf("s2")}\n`,
      "none.jsonl": "oops\n[]\n",
      "cut.jsonl.gz": gzip("oops\n[]\n", 8),
    };
    const { items, stats } = await readThrough(files, ["late.jsonl", "none.jsonl", "cut.jsonl.gz"], { chunkBytes: 4 });
    expect(shortJson(items)).toEqual([
      "late.jsonl:1 reject: invalid JSON: …",
      "late.jsonl:2 reject: not a JSON object",
      "late.jsonl:4 t:s1",
      "late.jsonl:5 t:s2",
      "none.jsonl:1 reject: invalid JSON: …",
      "none.jsonl:2 reject: not a JSON object",
      // The lines held for detection go before the read error.
      "cut.jsonl.gz:1 reject: invalid JSON: …",
      "cut.jsonl.gz:2 reject: not a JSON object",
      "cut.jsonl.gz:3 reject: truncated or corrupt gzip: unexpected end of file",
    ]);
    expect(stats.map((s) => [s.file, s.preset, s.rows, s.rejects])).toEqual([
      ["late.jsonl", "truefoundry", 4, 2],
      ["none.jsonl", null, 2, 2],
      ["cut.jsonl.gz", null, 3, 3],
    ]);
  });

  it("uses a forced preset or a mapping for every file instead of detecting one", async () => {
    const tf = JSON.stringify({ TraceId: "t", SpanId: "s", CreatedAt: "2026-03-01 10:00:00", ModelName: "m", InputTokens: 3 });
    const files = { "tf.jsonl": `${tf}\n`, "other.jsonl": `${JSON.stringify({ id: "x1", at: "2026-03-01", model: "m" })}\n` };
    const typo = "reject: unknown column `InputTokens` (did you mean `input_tokens`?)";
    const forced = await readThrough(files, ["tf.jsonl"], { preset: "canonical" });
    expect(forced.items).toEqual([`tf.jsonl:1 ${typo}`]);
    expect(forced.stats[0]).toMatchObject({ preset: "canonical", ignored_columns: ["CreatedAt", "ModelName", "SpanId", "TraceId"] });

    const mapped = await readThrough(files, ["tf.jsonl", "other.jsonl"], {
      preset: "truefoundry",
      mapping: { columns: { request_id: "id", timestamp: "at" } },
    });
    expect(mapped.items).toEqual([`tf.jsonl:1 ${typo}`, "other.jsonl:1 x1"]);
    expect(mapped.stats.map((s) => s.preset)).toEqual(["mapping", "mapping"]);
  });

  it("cuts the raw text of a reject to 4096 characters", async () => {
    const long = canonicalJson("long", { input_tokens: -1, note: "n".repeat(10_000) });
    const { rejects } = await readThrough({ "long.jsonl": `${long}\n` }, ["long.jsonl"]);
    expect(rejects).toEqual([{ file: "long.jsonl", line: 1, reason: "input_tokens must be ≥ 0, got -1", raw: long.slice(0, 4096) }]);
  });

  it("refuses a file of an unsupported type", async () => {
    await expect(readThrough({ "notes.txt": "x" }, ["notes.txt"])).rejects.toThrow(PipelineError);
  });

  it("gives the same items and stats with worker threads and small chunks as on this thread", async () => {
    const files = {
      "a.jsonl": `oops\n${Array.from({ length: 40 }, (_, i) => canonicalJson(`r${i}`, i % 9 === 4 ? { input_tokens: -1 } : { ["extra_" + (i % 3)]: 1 })).join("\n")}\n`,
      "b.jsonl.gz": gzip(Array.from({ length: 30 }, (_, i) => canonicalJson(`g${i}`)).join("\n"), 8),
    };
    const single = await readThrough(files, ["a.jsonl", "b.jsonl.gz"]);
    const parallel = await readThrough(files, ["a.jsonl", "b.jsonl.gz"], { threads: 2, chunkBytes: 256 });
    expect(parallel.items).toEqual(single.items);
    expect(parallel.stats).toEqual(single.stats);
    expect(single.stats[0]!.ignored_columns).toEqual(["extra_0", "extra_1", "extra_2"]);
    expect(single.items.filter((i) => i.includes("reject"))).toHaveLength(6);
  });
});
