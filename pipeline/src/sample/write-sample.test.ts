import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { PipelineError } from "../lib/errors.ts";
import { HOSTILE_METADATA } from "./draw-metadata.ts";
import { generateSample } from "./generate-sample.ts";
import { resolveTraceSource } from "./load-trace-source.ts";
import { COMMITTED_SAMPLES } from "./write-committed-samples.ts";
import { toTrueFoundryCsv, writeSample } from "./write-sample.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const OPTIONS = { rows: 600, start: "2026-06-16", days: 30 } as const;
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "costs-sample-"));
  dirs.push(dir);
  return dir;
}
const expectedJsonl = (options: Parameters<typeof generateSample>[0]) =>
  [...generateSample(options)].map((r) => `${JSON.stringify(r)}\n`).join("");

describe("writeSample", () => {
  it("writes JSON Lines, gzip-compressed for .gz, the same bytes every time", async () => {
    const dir = await tempDir();
    const a = await writeSample({ ...OPTIONS, out: path.join(dir, "a/logs.jsonl.gz") });
    const b = await writeSample({ ...OPTIONS, out: path.join(dir, "b/logs.jsonl.gz") });
    expect(a).toMatchObject({ rows: 600, file: path.join(dir, "a/logs.jsonl.gz"), traceSource: { kind: resolveTraceSource().kind } });
    const bytes = await readFile(a.file);
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    // No modification time in the gzip header.
    expect(bytes.readUInt32LE(4)).toBe(0);
    expect(bytes.equals(await readFile(b.file))).toBe(true);
    expect(gunzipSync(bytes).toString("utf8")).toBe(expectedJsonl(OPTIONS));

    const plain = await writeSample({ ...OPTIONS, out: path.join(dir, "logs.jsonl") });
    expect(await readFile(plain.file, "utf8")).toBe(expectedJsonl(OPTIONS));
    // Written atomically: nothing else is left beside the outputs.
    expect((await readdir(dir)).sort()).toEqual(["a", "b", "logs.jsonl"]);
  });

  it("writes the TrueFoundry CSV for .csv", async () => {
    const dir = await tempDir();
    const { file, rows } = await writeSample({ ...OPTIONS, out: path.join(dir, "export.csv") });
    expect(rows).toBe(600);
    expect(await readFile(file, "utf8")).toBe(toTrueFoundryCsv(generateSample(OPTIONS)));
  });

  it("writes nothing when the options are invalid", async () => {
    const dir = await tempDir();
    await expect(writeSample({ ...OPTIONS, days: 0, out: path.join(dir, "x/logs.jsonl") })).rejects.toBeInstanceOf(PipelineError);
    expect(existsSync(path.join(dir, "x"))).toBe(false);
  });
});

describe("toTrueFoundryCsv", () => {
  const rows = [...generateSample(OPTIONS)];
  const records: Array<Record<string, string>> = parse(toTrueFoundryCsv(rows), { columns: true });

  it("uses the export's column names and splits request_id into TraceId and SpanId", () => {
    expect(Object.keys(records[0]!).slice(0, 20)).toEqual([
      "CreatedAt",
      "ModelName",
      "InputTokens",
      "OutputTokens",
      "CostInUSD",
      "Metadata",
      "CreatedBySubjectSlug",
      "CreatedBySubjectType",
      "Teams",
      "VirtualModelName",
      "TraceId",
      "SpanId",
      "CacheReadInputTokens",
      "CacheCreationInputTokens",
      "ReasoningTokens",
      "Region",
      "StatusCode",
      "PersonalAccessTokenName",
      "ServiceTier",
      "IsBatch",
    ]);
    expect(records).toHaveLength(rows.length);
    records.forEach((record, i) => {
      const row = rows[i]!;
      expect(`${record.TraceId}:${record.SpanId}`).toBe(row.request_id);
      expect(record.CreatedAt).toBe(row.timestamp);
      expect(record.ModelName).toBe(row.model);
      expect(Number(record.InputTokens)).toBe(row.input_tokens);
      expect(record.CostInUSD).toBe(row.reported_cost_usd ?? "");
      expect(JSON.parse(record.Metadata!)).toEqual(row.metadata);
      expect(JSON.parse(record.Teams!)).toEqual(row.teams);
      expect(record.IsBatch).toBe(row.batch === true ? "true" : "false");
      expect(record.VirtualModelName).toBe(row.virtual_model ?? "");
      expect(record.CacheReadInputTokens).toBe(row.cache_read_tokens === undefined ? "" : String(row.cache_read_tokens));
      expect(record.output_images).toBe(row.output_images === undefined ? "" : String(row.output_images));
    });
  });

  it("quotes cells so hostile values come back exactly (they are not neutralised in an input file)", () => {
    const metadata = records.map((r) => JSON.parse(r.Metadata!) as Record<string, string>);
    for (const [key, value] of HOSTILE_METADATA)
      expect(
        metadata.some((m) => m[key] === value),
        value,
      ).toBe(true);
    const tricky = { request_id: "t:s", metadata: { note: 'a "quoted", comma\nand newline' }, teams: [], subject: " padded " };
    const [record] = parse(toTrueFoundryCsv([tricky]), { columns: true }) as Array<Record<string, string>>;
    expect(JSON.parse(record!.Metadata!)).toEqual(tricky.metadata);
    expect(record!.CreatedBySubjectSlug).toBe(" padded ");
  });
});

const tracesPresent = resolveTraceSource().kind === "traces";
if (!tracesPresent) console.log("skipping the committed-sample check: the real traces in ../shared/traces are absent");

describe.skipIf(!tracesPresent)("the committed sample under data/sample/", () => {
  it.each(COMMITTED_SAMPLES)("$file is what its documented options generate", async ({ file, options }) => {
    const committed = await readFile(path.join(ROOT, file));
    expect(committed.length).toBeLessThan(400_000);
    const text = file.endsWith(".gz") ? gunzipSync(committed).toString("utf8") : committed.toString("utf8");
    expect(text).toBe(file.includes(".csv") ? toTrueFoundryCsv(generateSample(options)) : expectedJsonl(options));
    const readme = await readFile(path.join(ROOT, "data/sample/README.md"), "utf8");
    expect(readme).toContain(`\`${path.basename(file)}\``);
    expect(readme).toContain(
      `rows: ${options.rows}, start: "${options.start}", days: ${options.days}, seed: ${options.seed}, traces: "${options.traces}"`,
    );
  });

  it("README states the counts the pipeline should report for the JSON Lines sample", async () => {
    const { options } = COMMITTED_SAMPLES[0]!;
    const rows = [...generateSample(options)] as Array<Record<string, any>>;
    const seen = new Set<string>();
    const firsts = rows.filter((r) => !seen.has(r.request_id) && seen.add(r.request_id));
    const calls = firsts.filter((r) => r.virtual_model === undefined);
    // The unpriced rows, as sample-pricing.test.ts pins them.
    const unpriced = calls.filter(
      (r) => ["openai-main/gpt-5-preview", "mystery/model-x"].includes(r.model) || r.region === "sa-east-1",
    ).length;
    const line = `${rows.length} rows read = ${calls.length - unpriced} priced + ${unpriced} unpriced + 0 rejected + ${rows.length - firsts.length} duplicates + ${firsts.length - calls.length} virtual-model parent rows`;
    expect(await readFile(path.join(ROOT, "data/sample/README.md"), "utf8")).toContain(line);
  });
});
