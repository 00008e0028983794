/**
 * Hostile log rows (issue 11): values past the limits of the output types are rejects with
 * their reason, never wrapped or rounded money, never a crash; the main-thread path and the
 * worker-thread path give the same outcome for every row.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { checkOutputs } from "../check-outputs.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const AT = "2026-07-01T12:00:00Z";

const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

/** One line per case: the row, and the reject reason it must get (undefined: priced or unpriced). */
const CASES: Array<[string, string | undefined]> = [
  [JSON.stringify({ request_id: "ok", timestamp: AT, model: "openai-main/gpt-4o", input_tokens: 1000, output_tokens: 200 }), undefined],
  [
    `{"request_id":"wrap","timestamp":"${AT}","model":"openai-main/gpt-4o","input_tokens":4e15}`,
    "input_tokens is too large: at most 999,999,999,999 per row, got 4000000000000000",
  ],
  [
    JSON.stringify({ request_id: "costly", timestamp: AT, model: "openai-main/dall-e-3", output_images: 999_999_999_999 }),
    "cost_usd 39999999999.960000000 is too large: a row's cost must be below 1,000,000,000 USD (DECIMAL(18,9) money columns)",
  ],
  [
    JSON.stringify({ request_id: "units", timestamp: AT, model: "openai-main/dall-e-3", output_images: "1e400" }),
    'output_images must be below 10^12 with at most 18 decimal places, got "1e400"',
  ],
  [
    JSON.stringify({ request_id: "reported", timestamp: AT, model: "openai-main/gpt-4o", reported_cost_usd: "1e400" }),
    'reported_cost_usd must be below 10^9 USD with at most 30 decimal places, got "1e400"',
  ],
  [
    JSON.stringify({ request_id: "zone", timestamp: "2026-07-01T12:00:00+99:00", model: "openai-main/gpt-4o" }),
    "invalid timestamp: 2026-07-01T12:00:00+99:00",
  ],
  [
    `{"request_id":"nested","timestamp":"${AT}","model":"openai-main/gpt-4o","metadata":{"x":${deep(10_000)}}}`,
    "metadata.x is nested more than 32 levels deep",
  ],
  [`{"request_id":${deep(10_000)},"timestamp":"${AT}","model":"openai-main/gpt-4o"}`, "request_id must be text, got a deeply nested value"],
  [JSON.stringify({ request_id: "edge", timestamp: AT, model: "openai-main/gpt-4o-mini", input_tokens: 999_999_999_999 }), undefined],
  [`{"request_id":"proto","timestamp":"${AT}","model":"openai-main/gpt-4o","metadata":{"__proto__":"x","constructor":"y"}}`, undefined],
];

async function runBoth(files: Record<string, string>) {
  const dir = await writeTempTree(files);
  const logs = path.join(dir, "logs");
  const results = [];
  for (const threads of ["0", "2"]) {
    const out = path.join(dir, `out-${threads}`);
    const result = await runCli(ROOT, "run", "--logs", logs, "--out", out, "--threads", threads, "--no-progress");
    results.push({ ...result, dir: out });
  }
  return results;
}

describe("hostile rows", () => {
  it("are each one reject with its reason, on the main thread and on worker threads alike; the limits themselves are priced exactly", async () => {
    const [main, workers] = await runBoth({ "logs/hostile.jsonl": `${CASES.map(([line]) => line).join("\n")}\n` });
    for (const result of [main!, workers!]) {
      expect(result.err).not.toMatch(/internal error/);
      expect(result.code).toBe(0);
      const manifest = await checkOutputs(result.dir);
      const rejected = CASES.filter(([, reason]) => reason !== undefined).length;
      expect(manifest.counts).toMatchObject({ rows_read: CASES.length, rejected, priced: CASES.length - rejected });
      const rejects = await readFile(path.join(result.dir, "rejects.csv"), "utf8");
      CASES.forEach(([, reason], i) => {
        if (reason !== undefined)
          expect(rejects).toContain(
            `,${i + 1},${reason.includes(",") || reason.includes('"') ? `"${reason.replaceAll('"', '""')}"` : reason},`,
          );
      });
      const [day] = await readdir(path.join(result.dir, "priced"));
      const { columns } = await readParquet(path.join(result.dir, "priced", day!, "part-00000.parquet"), [
        "request_id",
        "input_tokens",
        "cost_usd",
        "metadata",
      ]);
      const at = columns.request_id!.indexOf("edge");
      expect(Number(columns.input_tokens![at])).toBe(999_999_999_999);
      expect(columns.cost_usd![at]).toBe(149_999_999_999_850n); // 999,999,999,999 tokens × 0.00000015 USD, exactly
      expect(JSON.parse(columns.metadata![columns.request_id!.indexOf("proto")] as string)).toEqual(
        JSON.parse('{"__proto__":"x","constructor":"y"}'),
      );
    }
    expect(await readFile(path.join(workers!.dir, "rejects.csv"), "utf8")).toBe(
      await readFile(path.join(main!.dir, "rejects.csv"), "utf8"),
    );
  });

  it("a dataset whose token totals cannot be summed exactly stops the run with a clear error and writes nothing", async () => {
    // 9,008 rows of 999,999,999,999 input tokens: 9.008e15 > 2^53 − 1. Unpriced (no such account), so no cost limit applies.
    const line = (i: number) =>
      JSON.stringify({ request_id: `r${i}`, timestamp: AT, model: "nowhere/model", input_tokens: 999_999_999_999 });
    const rows = Array.from({ length: 9008 }, (_, i) => line(i)).join("\n");
    const [main, workers] = await runBoth({ "logs/big.jsonl": `${rows}\n` });
    for (const result of [main!, workers!]) {
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/token totals \(.*\) exceed 9,007,199,254,740,991 \(2\^53 − 1\)/);
      expect(result.err).not.toMatch(/internal error/);
      expect(await readdir(result.dir).catch(() => [])).toEqual([]);
    }
  });
});
