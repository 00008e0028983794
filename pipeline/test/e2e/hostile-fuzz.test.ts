/**
 * Random hostile logs (issue 11), generated from fixed seeds: rows with deep nesting, huge
 * and malformed numbers, odd keys and odd strings, mixed with ordinary rows, duplicates,
 * virtual-model parents and lines that are not JSON. Each log goes through `costs run` on
 * the main thread and on two worker threads (small chunks), then `costs site-data`, in a
 * throw-away copy of the project. Checked: no internal error; every row accounted for;
 * both paths give the same rows and byte-identical CSV; Parquet, manifest, CSV extracts,
 * FOCUS and the site's totals agree to the nano-USD; no file appears or changes outside the
 * output folders; no CSV cell of a log value starts a spreadsheet formula.
 */
import { createHash } from "node:crypto";
import { cp, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { parseNano } from "../../src/pricing/money.ts";
import { run } from "../../src/run.ts";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { checkOutputs } from "../check-outputs.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const ROWS = 400;
const SEEDS = [20261204, 7, 424242];

const ODD_STRINGS = [
  "__proto__",
  "constructor",
  "prototype",
  "/../../../package",
  "../../escape",
  "..",
  ".",
  "k-2e2e",
  "a:b",
  "CON",
  "Customer",
  "customer",
  "<img src=x onerror=alert(1)>",
  '<script>alert("x")</script>',
  '=HYPERLINK("http://x","y")',
  "+1+1",
  "-2-2",
  "@SUM(A1)",
  "\tTAB",
  "\r\nCRLF",
  "nul\u0000byte",
  "\ud800lone",
  "😀 emoji",
  "x".repeat(300),
  "",
  " ",
  `${"a".repeat(40)}!`, // a catastrophic-backtracking probe for the guardrail `^(a+)+$`
];
const MODELS = [
  "openai-main/gpt-4o",
  "openai-main/gpt-4o-mini",
  "openai-main/dall-e-3",
  "openai-main/tts-1",
  "azure-ft/support-bot-ft",
  "bedrock-prod/nova-lite",
  "nowhere/model",
  "openai-main",
];
const HUGE = [
  4e15,
  2 ** 53,
  999_999_999_999,
  1e12,
  -1,
  1.5,
  "1e400",
  "1e100000000",
  "-0",
  "1e-400",
  "NaN",
  "Infinity",
  "99999999999999999999",
  "0x10",
  " 12 ",
  true,
  null,
  [],
  {},
];

/** JSON text nested `levels` deep around a leaf (built as text: no recursion). */
const deep = (levels: number, open = "[", close = "]") => `${open.repeat(levels)}${close.repeat(levels)}`;

const oddString = fc.oneof(fc.constantFrom(...ODD_STRINGS), fc.string({ maxLength: 12 }), fc.string({ unit: "binary", maxLength: 8 }));
const metadata = fc.dictionary(oddString, fc.oneof(oddString, fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 5 });

/** An ordinary row: valid values, with odd text wherever text is free (ids, subjects, teams, metadata). */
const ordinary = fc.record(
  {
    request_id: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 0, max: 350 }).map((n) => `r${n}`) },
      { weight: 1, arbitrary: oddString.filter((s) => s.trim() !== "") },
    ),
    timestamp: fc.integer({ min: 0, max: 3 * 86_400 - 1 }).map((s) => new Date(Date.UTC(2026, 6, 1) + s * 1000).toISOString()),
    model: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...MODELS) },
      { weight: 1, arbitrary: oddString.filter((s) => s.trim() !== "") },
    ),
    subject_type: fc.constantFrom("user", "virtualaccount", "User", "serviceaccount"),
    subject: oddString,
    teams: fc.array(oddString, { maxLength: 3 }),
    pat_name: oddString,
    input_tokens: fc.integer({ min: 1_000, max: 20_000 }),
    cache_read_tokens: fc.integer({ min: 0, max: 1_000 }),
    output_tokens: fc.integer({ min: 0, max: 20_000 }),
    output_images: fc.constantFrom(null, 1, 2, "0.5"),
    input_characters: fc.constantFrom(null, 100, "12.5"),
    batch: fc.boolean(),
    service_tier: fc.constantFrom("priority", "default", null),
    virtual_model: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constant("router/smart") }),
    metadata,
    reported_cost_usd: fc.constantFrom(null, "0.0012", "1e-30", 0.5),
  },
  { requiredKeys: ["request_id", "timestamp", "model", "input_tokens", "output_tokens"] },
);

/** A field and a value that breaks it: past a limit, the wrong type, or not a value at all. */
const poison = fc.oneof(
  fc.tuple(
    fc.constantFrom("input_tokens", "output_tokens", "cache_read_tokens", "reasoning_tokens", "input_audio_tokens"),
    fc.constantFrom(...HUGE),
  ),
  fc.tuple(
    fc.constantFrom("output_images", "input_characters", "input_seconds", "queries", "pages"),
    fc.constantFrom(999_999_999_999, "1e400", "1e100000000", "1e-19", -1, "abc", true, {}),
  ),
  fc.tuple(fc.constant("reported_cost_usd"), fc.constantFrom("1e400", -4e9, "abc", "1e-31", [], true)),
  fc.tuple(
    fc.constant("timestamp"),
    fc.constantFrom(
      "2026-07-01T12:00:00+99:00",
      "2026-07-01T12:00:00-14:30",
      "2026-02-30T00:00:00Z",
      "yesterday",
      "1782864000000",
      "",
      null,
      1.5,
    ),
  ),
  fc.tuple(
    fc.constantFrom("batch", "status_code", "teams", "metadata", "request_id", "model", "subject"),
    fc.constantFrom("yes", 2, "k=v", [1, [2]], { a: { b: 1 } }, null, ""),
  ),
);

/** One log line: mostly ordinary rows, one in five broken in one field, and some that are hostile as a whole. */
const line = fc.oneof(
  { weight: 12, arbitrary: ordinary.map((row) => JSON.stringify(row)) },
  { weight: 3, arbitrary: fc.tuple(ordinary, poison).map(([row, [field, value]]) => JSON.stringify({ ...row, [field]: value })) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 20_000 })
      .map((n) => `{"request_id":"d${n}","timestamp":"2026-07-01T00:00:00Z","model":"openai-main/gpt-4o","metadata":{"x":${deep(n)}}}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 5_000 })
      .map(
        (n) => `{"request_id":${deep(n, '{"a":', "}").replace(/\{"a":\}/, '{"a":1}')},"timestamp":"2026-07-01T00:00:00Z","model":"x/y"}`,
      ),
  },
  { weight: 1, arbitrary: fc.constantFrom("not json", "[1,2,3]", '"text"', "", "   ", "{", '{"request_id":"r1"}', "null", "\u0000") },
);

/** sha256 of every file under `dir`, by path, skipping the given top-level folders. */
async function tree(dir: string, skip: string[]): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.relative(dir, path.join(entry.parentPath, entry.name));
    if (skip.some((s) => file === s || file.startsWith(`${s}/`))) continue;
    files[file] = createHash("sha256")
      .update(await readFile(path.join(dir, file)))
      .digest("hex");
  }
  return files;
}

async function csvFiles(out: string): Promise<Record<string, string>> {
  const names = [
    "rejects.csv",
    "focus/focus.csv",
    ...(await readdir(path.join(out, "extracts"))).filter((f) => f.endsWith(".csv")).map((f) => `extracts/${f}`),
  ];
  return Object.fromEntries(await Promise.all(names.map(async (f) => [f, await readFile(path.join(out, f), "utf8")] as const)));
}

describe("random hostile logs", () => {
  it.each(SEEDS)(
    "seed %i: conservation, no crash, same outcome on both paths, totals equal everywhere, nothing written outside the outputs",
    async (seed) => {
      const lines = fc.sample(line, { numRuns: ROWS, seed });
      // A project of its own: its pricing and policies, with the site's metadata keys left to the logs and a guardrail that backtracks.
      const project = await writeTempTree({ "logs/hostile.jsonl": `\ufeff${lines.join(seed % 2 ? "\r\n" : "\n")}\n` });
      await cp(path.join(ROOT, "pricing"), path.join(project, "pricing"), { recursive: true });
      await cp(path.join(ROOT, "policies"), path.join(project, "policies"), { recursive: true });
      const extracts = await readFile(path.join(project, "policies/extracts.yaml"), "utf8");
      await writeFile(path.join(project, "policies/extracts.yaml"), extracts.replace(/\nsite:\n[\s\S]*$/, "\n"));
      const rules = await readFile(path.join(project, "policies/metadata-validation.yaml"), "utf8");
      await writeFile(
        path.join(project, "policies/metadata-validation.yaml"),
        `${rules}\n  - name: backtracking-probe\n    enforcing_strategy: audit\n    config:\n      keys:\n        ${JSON.stringify(ODD_STRINGS.at(-1))}: {value: {constraint: regex, regex: "^(a+)+$"}}\n`,
      );
      const before = await tree(project, []);

      const main = await runCli(project, "run", "--logs", "logs", "--out", "data/main", "--threads", "0", "--no-progress");
      expect(main.err).not.toMatch(/internal error/);
      expect(main.code).toBe(0);
      await run({
        logs: ["logs"],
        pricingDir: "pricing",
        policiesDir: "policies",
        out: "data/workers",
        threads: 2,
        chunkBytes: 8 << 10,
        cwd: project,
        now: () => new Date(),
      });

      const manifest = await checkOutputs(path.join(project, "data/main"));
      const workers = await checkOutputs(path.join(project, "data/workers"));
      expect(manifest.counts.rows_read).toBe(lines.filter((l) => l.trim() !== "").length);
      expect(workers.counts).toEqual(manifest.counts);
      expect(workers.dataset).toEqual(manifest.dataset);
      const csv = await csvFiles(path.join(project, "data/main"));
      expect(await csvFiles(path.join(project, "data/workers"))).toEqual(csv);
      const rejects = parse(csv["rejects.csv"]!, { columns: true, relax_column_count: true }) as Record<string, string>[];
      expect(rejects).toHaveLength(manifest.counts.rejected);
      // Log values in CSV never start a formula (numbers may be negative; text may not start with - either).
      for (const [name, text] of Object.entries(csv)) {
        const records = parse(text, { relax_column_count: true }) as string[][];
        for (const record of records.slice(1)) {
          for (const cell of record) if (!/^-?\d+(\.\d+)?$/.test(cell)) expect(cell, name).not.toMatch(/^[=+\-@\t\r]/);
        }
      }

      const site = await runCli(project, "site-data", "--data", "data/main", "--out", "site/.data", "--public-dir", "site/public");
      expect(site.err).not.toMatch(/internal error/);
      expect(site.code).toBe(0);
      const total = parseNano(manifest.dataset.cost_usd);
      const summary = JSON.parse(await readFile(path.join(project, "site/.data/summary.json"), "utf8"));
      expect(parseNano(summary.totals.cost_usd)).toBe(total);
      expect(summary.totals.requests).toBe(manifest.dataset.rows);
      const { columns: cube } = await readParquet(path.join(project, "site/public/data/cube.parquet"), ["cost_usd", "requests"]);
      expect(cube.cost_usd!.reduce((a, b) => (a as bigint) + (b as bigint), 0n)).toBe(total);
      expect(cube.requests!.reduce((a, b) => Number(a) + Number(b), 0)).toBe(manifest.dataset.rows);
      const breakdowns = (await readdir(path.join(project, "site/.data"))).filter((f) => f.startsWith("breakdown-"));
      expect(breakdowns.length).toBeGreaterThanOrEqual(3 + summary.metadata_keys.length);
      for (const file of breakdowns) {
        const b = JSON.parse(await readFile(path.join(project, "site/.data", file), "utf8")) as { rows: { cost_usd: string }[] };
        expect(
          b.rows.reduce((s, r) => s + parseNano(r.cost_usd), 0n),
          file,
        ).toBe(total);
      }

      // Nothing outside the output folders appeared or changed.
      expect(await tree(project, ["data/main", "data/workers", "site/.data", "site/public/data"])).toEqual(before);
    },
  );
});
