/**
 * Native-format presets, end to end: each preset's golden file (presets/<name>/, the
 * format's own shape with a malformed element) and the same calls written canonically
 * (presets/<name>/canonical.jsonl) go through the real CLI against the repository's
 * pricing; every call must come out with the same costs, the malformed elements as
 * rejects, and the manifest must record the detected preset of each file.
 */
import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { COMPONENTS } from "../../src/pricing/price-call.ts";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { checkOutputs } from "../check-outputs.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const PRESETS_DIR = path.join(import.meta.dirname, "presets");
const REPO_PRICING = path.resolve(import.meta.dirname, "../../../pricing");
const COLUMNS = [
  "request_id",
  "model",
  "input_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "cache_write_1h_tokens",
  "output_tokens",
  "batch",
  "service_tier",
  "calls",
  "reported_cost_usd",
  "price_source",
  "unpriced_reason",
  "cost_usd",
  "list_cost_usd",
  ...COMPONENTS.map((c) => `${c}_cost_usd`),
];

/** Accounts named like the providers (`openai/gpt-4o`), with the dated model names the APIs report. */
const ACCOUNTS = {
  "pricing/accounts/openai.yaml": `name: openai
provider: openai
models:
${["gpt-4o", "gpt-4o-mini", "gpt-4o-2024-08-06:gpt-4o", "gpt-4o-mini-2024-07-18:gpt-4o-mini"].map(model).join("\n")}
`,
  "pricing/accounts/anthropic.yaml": `name: anthropic
provider: anthropic
models:
${["claude-haiku-4-5", "claude-sonnet-4-5", "claude-haiku-4-5-20251001:claude-haiku-4-5", "claude-sonnet-4-5-20250929:claude-sonnet-4-5"].map(model).join("\n")}
`,
};

function model(spec: string): string {
  const [name, provider = name] = spec.split(":");
  return `  - name: ${name}\n    provider_model: ${provider}\n    cost: public`;
}

let dir: string;
beforeAll(async () => {
  dir = await writeTempTree(ACCOUNTS);
  await cp(path.join(REPO_PRICING, "catalog"), path.join(dir, "pricing/catalog"), { recursive: true });
  for (const c of CASES) await cp(path.join(PRESETS_DIR, c.preset), path.join(dir, c.preset), { recursive: true });
});

async function run(out: string, ...logs: string[]) {
  const { code, err } = await runCli(
    dir,
    "run",
    "--logs",
    ...logs,
    "--pricing-dir",
    "pricing",
    "--policies-dir",
    "policies",
    "--out",
    out,
    "--no-progress",
  );
  expect(err).toBe("");
  expect(code).toBe(0);
  const manifest = await checkOutputs(path.join(dir, out));
  const rows = await readPriced(out);
  const rejects = parse(await readFile(path.join(dir, out, "rejects.csv"), "utf8"), { columns: true }) as Record<string, string>[];
  return { manifest, rows, rejects };
}

/** The priced rows of an output folder by request id. */
async function readPriced(out: string): Promise<Map<string, Record<string, unknown>>> {
  const rows = new Map<string, Record<string, unknown>>();
  for (const day of await readdir(path.join(dir, out, "priced"))) {
    for (const file of await readdir(path.join(dir, out, "priced", day))) {
      const { rowCount, columns } = await readParquet(path.join(dir, out, "priced", day, file), COLUMNS);
      for (let i = 0; i < rowCount; i++)
        rows.set(columns.request_id![i] as string, Object.fromEntries(COLUMNS.map((c) => [c, columns[c]![i]])));
    }
  }
  return rows;
}

interface Case {
  preset: string;
  /** Rejects expected from the golden files: [file, line, reason]. */
  rejects: Array<[string, string, string | RegExp]>;
  /** Rows unpriced on purpose (aggregates under tiered prices): request id → reason. */
  unpriced?: Record<string, RegExp>;
  /** Hand-worked figures: request id → [1-hour write tokens, cache_write_cost_usd, cache_write_1h_cost_usd] in nano-USD. */
  cacheWrites?: Record<string, [number, bigint, bigint]>;
}

const CASES: Case[] = [
  { preset: "litellm", rejects: [["spend-logs.jsonl", "5", 'input_tokens must be a whole number, got "lots"']] },
  {
    preset: "otel",
    rejects: [
      ["otel-traces-clickhouse.jsonl", "2", /^not a GenAI span/],
      ["otlp-traces.jsonl", "1", "input_tokens must be ≥ 0, got -5"],
    ],
  },
  { preset: "portkey", rejects: [["logs-export.jsonl", "5", /^reported_cost_usd/]] },
  { preset: "openai-usage", rejects: [["completions-usage.jsonl", "1", 'input_tokens must be a whole number, got "many"']] },
  {
    preset: "anthropic-usage",
    rejects: [["messages-usage.jsonl", "1", "output_tokens must be ≥ 0, got -1"]],
    unpriced: {
      "anthropic-usage:2026-03-02T00:00:00Z:wrkspc_01Support:apikey_01Rj2N8:claude-sonnet-4-5-20250929:standard:0-200k":
        /^aggregate row of an unknown number of calls: .*claude-sonnet-4-5\.yaml#costs has prompt-size tiers \(tiered_pricing\.input\), which need each call's prompt size$/,
    },
    // claude-haiku-4-5: 5-minute writes 1.25e-6, 1-hour writes 2e-6 per token.
    cacheWrites: {
      // 30,000 × 1.25e-6 = 0.0375; 10,000 × 2e-6 = 0.02
      "anthropic-usage:2026-03-02T00:00:00Z:wrkspc_01Support:apikey_01Rj2N8:claude-haiku-4-5-20251001:standard:0-200k": [
        10_000,
        37_500_000n,
        20_000_000n,
      ],
      // no 5-minute writes; 4,000 × 2e-6 = 0.008
      "anthropic-usage:2026-03-03T00:00:00Z:wrkspc_01Support:apikey_01Rj2N8:claude-haiku-4-5-20251001:standard:0-200k": [
        4000,
        0n,
        8_000_000n,
      ],
    },
  },
];

describe("native-format presets price like the canonical form of the same calls", () => {
  for (const c of CASES) {
    it(c.preset, async () => {
      const native = (await readdir(path.join(PRESETS_DIR, c.preset))).filter((f) => f !== "canonical.jsonl").sort();
      const got = await run(`out-${c.preset}`, ...native.map((f) => `${c.preset}/${f}`));
      const want = await run(`out-${c.preset}-canonical`, `${c.preset}/canonical.jsonl`);

      // The preset was detected from each file's first record and recorded.
      expect(got.manifest.inputs.map((i: { file: string; preset: string }) => [i.file, i.preset])).toEqual(
        native.map((f) => [`${c.preset}/${f}`, c.preset]),
      );
      expect(want.manifest.inputs[0].preset).toBe("canonical");

      // Malformed elements are rejects at their line; the canonical form has none.
      expect(got.rejects.map((r) => [r.file, r.line, r.reason]).sort()).toEqual(
        c.rejects
          .map(([file, line, reason]) => [`${c.preset}/${file}`, line, typeof reason === "string" ? reason : expect.stringMatching(reason)])
          .sort(),
      );
      expect(want.rejects).toEqual([]);
      const calls = want.manifest.counts.rows_read;
      expect(calls).toBeGreaterThanOrEqual(5);
      expect(got.manifest.counts).toEqual({ ...want.manifest.counts, rows_read: calls + c.rejects.length, rejected: c.rejects.length });

      // Every call: the same tokens, price, components and list price by request id.
      expect([...got.rows.keys()].sort()).toEqual([...want.rows.keys()].sort());
      for (const [id, row] of want.rows) expect(got.rows.get(id), id).toEqual(row);
      expect(got.manifest.dataset.cost_usd).toBe(want.manifest.dataset.cost_usd);

      // Real prices: every priced call costs something, at list price too.
      for (const row of got.rows.values())
        if (row.price_source !== "unpriced")
          expect([row.request_id, (row.cost_usd as bigint) > 0n, (row.list_cost_usd as bigint) > 0n]).toEqual([row.request_id, true, true]);

      for (const [id, [tokens, fiveMinutes, oneHour]] of Object.entries(c.cacheWrites ?? {})) {
        const row = got.rows.get(id)!;
        expect([id, Number(row.cache_write_1h_tokens), row.cache_write_cost_usd, row.cache_write_1h_cost_usd]).toEqual([
          id,
          tokens,
          fiveMinutes,
          oneHour,
        ]);
      }

      // Priced rows are priced, except the aggregates that must not go through tiers.
      const unpriced = [...got.rows.values()].filter((r) => r.price_source === "unpriced");
      expect(Object.fromEntries(unpriced.map((r) => [r.request_id, r.unpriced_reason]))).toEqual(
        Object.fromEntries(Object.entries(c.unpriced ?? {}).map(([id, reason]) => [id, expect.stringMatching(reason)])),
      );
    });
  }

  it("worker threads read native formats to the same rows", async () => {
    const onThread = await run("out-otel-threads0", "otel", "--threads", "0");
    const threaded = await run("out-otel-threads2", "otel", "--threads", "2");
    expect(threaded.manifest.counts).toEqual(onThread.manifest.counts);
    expect([...threaded.rows.entries()]).toEqual([...onThread.rows.entries()]);
    expect(threaded.rejects).toEqual(onThread.rejects);
  });

  it("costs restate prices aggregate rows the same way again: calls is kept in the priced Parquet", async () => {
    for (const preset of ["anthropic-usage", "openai-usage"]) {
      const out = `out-${preset}-restated`;
      const native = (await readdir(path.join(dir, preset))).filter((f) => f !== "canonical.jsonl").map((f) => `${preset}/${f}`);
      const before = await run(out, ...native);
      const { code, err } = await runCli(
        dir,
        "restate",
        "--since",
        "2026-03-01",
        "--data",
        out,
        "--pricing-dir",
        "pricing",
        "--policies-dir",
        "policies",
      );
      expect([code, err]).toEqual([0, ""]);
      const after = await readPriced(out);
      expect([...after.entries()].sort()).toEqual([...before.rows.entries()].sort());
      expect([...after.values()].every((r) => r.calls !== null)).toBe(true);
    }
  });

  it("--preset NAME forces a preset: a LiteLLM file read as Portkey has no Portkey fields", async () => {
    await cp(path.join(PRESETS_DIR, "litellm/spend-logs.jsonl"), path.join(dir, "forced/spend-logs.jsonl"));
    const { code } = await runCli(
      dir,
      "run",
      "--logs",
      "forced",
      "--preset",
      "portkey",
      "--pricing-dir",
      "pricing",
      "--out",
      "out-forced",
      "--no-progress",
    );
    expect(code).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(dir, "out-forced/manifest.json"), "utf8"));
    expect(manifest.inputs[0].preset).toBe("portkey");
    expect(manifest.counts.priced).toBe(0);
    expect(manifest.counts.rejected).toBe(manifest.counts.rows_read);
  });
  it("an API response saved whole (.json page) and a mapping over the preset with a provider alias price the same calls", async () => {
    // The usage API's answer as one pretty-printed page document: every bucket of the golden file under `data`.
    const buckets: unknown[] = [];
    for (const line of (await readFile(path.join(PRESETS_DIR, "openai-usage/completions-usage.jsonl"), "utf8")).split("\n")) {
      if (line.trim() === "") continue;
      const record = JSON.parse(line) as { data?: unknown[] };
      buckets.push(...(record.data ?? [record]));
    }
    await mkdir(path.join(dir, "api"), { recursive: true });
    await writeFile(path.join(dir, "api/usage.json"), JSON.stringify({ object: "page", data: buckets, has_more: false }, null, 2));
    const want = await run("out-api-canonical", "openai-usage/canonical.jsonl");
    const whole = await run("out-api-page", "api/usage.json");
    expect(whole.manifest.inputs.map((i: { preset: string; format: string }) => [i.preset, i.format])).toEqual([["openai-usage", "json"]]);
    expect(whole.rejects.map((r) => r.reason)).toEqual(['input_tokens must be a whole number, got "many"']);
    expect([...whole.rows.entries()].sort()).toEqual([...want.rows.entries()].sort());

    // The same page through a mapping on the native preset: "openai/<model>" priced as account openai-main.
    await writeFile(
      path.join(dir, "pricing/accounts/openai-main.yaml"),
      ACCOUNTS["pricing/accounts/openai.yaml"].replace("name: openai\n", "name: openai-main\n"),
    );
    await writeFile(path.join(dir, "usage-mapping.yaml"), "base: openai-usage\nprovider_aliases:\n  openai: openai-main\n");
    const { code, err } = await runCli(
      dir,
      "run",
      "--logs",
      "api/usage.json",
      "--columns",
      "usage-mapping.yaml",
      "--pricing-dir",
      "pricing",
      "--out",
      "out-api-alias",
      "--no-progress",
    );
    expect([code, err]).toEqual([0, ""]);
    const aliased = await readPriced("out-api-alias");
    expect(aliased.size).toBe(want.rows.size);
    for (const [id, row] of want.rows) {
      const got = aliased.get(id)!;
      expect(got.model).toBe((row.model as string).replace(/^openai\//, "openai-main/"));
      expect({ ...got, model: row.model }).toEqual(row);
    }
  });
});
