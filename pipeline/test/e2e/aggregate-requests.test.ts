/**
 * Aggregate rows (the usage-API presets' results, each summing `calls` calls) count as
 * their calls in every request figure: the extracts, FOCUS x_Requests, the manifest's
 * breakdowns, the day rollups and the site data; while the row accounting (the manifest's
 * buckets, the day rollup's and the dataset's rows) still counts rows. A re-read bucket is a
 * duplicate taken out as its calls. The figures below are worked by hand from the inputs.
 */
import { cp, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { Rollup } from "../../src/engine/rollup.ts";
import { toExtractTable } from "../../src/extracts/to-extract-table.ts";
import { diffImpact } from "../../src/gitops/diff-impact.ts";
import { dayRollupFromRows } from "../../src/history/day-rollup-from-rows.ts";
import { readDayRollup, type DayRollup } from "../../src/history/day-rollup.ts";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { loadPoliciesOrThrow } from "../../src/policies/load-policies.ts";
import { loadPricingOrThrow } from "../../src/pricing/load-pricing.ts";
import { dayGrains, focusPieceDimensions } from "../../src/schemas/fields.ts";
import { checkOutputs } from "../check-outputs.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const REPO_PRICING = path.resolve(import.meta.dirname, "../../../pricing");
const MAR_2 = 1772409600; // 2026-03-02T00:00:00Z
const MAR_3 = MAR_2 + 86400;

const result = (model: string, calls: number, project: string, input: number, output: number) => ({
  object: "organization.usage.completions.result",
  input_tokens: input,
  output_tokens: output,
  input_cached_tokens: 0,
  input_audio_tokens: 0,
  output_audio_tokens: 0,
  num_model_requests: calls,
  project_id: project,
  user_id: null,
  api_key_id: "key_1",
  model,
  batch: false,
  service_tier: null,
});
const bucket = (start: number, results: unknown[]) => ({ object: "bucket", start_time: start, end_time: start + 86400, results });
const MINI_12000 = result("gpt-4o-mini-2024-07-18", 12_000, "proj_search", 2_400_000, 600_000);

const anthropicResult = (model: string) => ({
  uncached_input_tokens: 1000,
  cache_read_input_tokens: 0,
  cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
  output_tokens: 100,
  server_tool_use: { web_search_requests: 0 },
  api_key_id: "apikey_1",
  workspace_id: "wrkspc_1",
  model,
  service_tier: "standard",
  context_window: "0-200k",
});

const FILES = {
  "pricing/accounts/openai.yaml": `name: openai
provider: openai
models:
  - name: gpt-4o-mini-2024-07-18
    provider_model: gpt-4o-mini
    cost: public
  - name: gpt-4o-2024-08-06
    provider_model: gpt-4o
    cost: public
`,
  "pricing/accounts/anthropic.yaml": `name: anthropic
provider: anthropic
models:
  - name: claude-haiku-4-5-20251001
    provider_model: claude-haiku-4-5
    cost: public
  - name: claude-sonnet-4-5-20250929
    provider_model: claude-sonnet-4-5
    cost: public
`,
  "policies/extracts.yaml": `extracts:
  - name: by-model
    group_by: [date, model]
`,
  // Anthropic's report has no request count: each result is 1 request. Sonnet has prompt-size
  // tiers, which an aggregate of unknown calls cannot go through: unpriced.
  "logs/anthropic-usage.jsonl": `${JSON.stringify({
    data: [
      {
        starting_at: "2026-03-02T00:00:00Z",
        ending_at: "2026-03-03T00:00:00Z",
        results: [anthropicResult("claude-haiku-4-5-20251001"), anthropicResult("claude-sonnet-4-5-20250929")],
      },
    ],
    has_more: false,
    next_page: null,
  })}\n`,
  // One call, logged by the gateway; and an aggregate of 25 calls in canonical form, with the cost the provider reported.
  "logs/canonical.jsonl": [
    {
      request_id: "single-1",
      timestamp: "2026-03-02T10:00:00Z",
      model: "openai/gpt-4o-mini-2024-07-18",
      input_tokens: 200,
      output_tokens: 50,
    },
    {
      request_id: "agg-25",
      timestamp: "2026-03-02T12:00:00Z",
      model: "openai/gpt-4o-2024-08-06",
      calls: 25,
      input_tokens: 25_000,
      output_tokens: 2500,
      reported_cost_usd: "0.1",
    },
  ]
    .map((r) => `${JSON.stringify(r)}\n`)
    .join(""),
  // An overlapping export: the 12,000-call bucket again (the first read of it, in path order) and 7 new calls.
  "logs/openai-overlap.jsonl": `${JSON.stringify(bucket(MAR_2, [MINI_12000, result("gpt-4o-2024-08-06", 7, "proj_search", 7000, 700)]))}\n`,
  // A page: the same 12,000-call bucket (a duplicate), 40 gpt-4o calls, 300 calls of a model no account declares, 5,000 the next day.
  "logs/openai-usage.jsonl": `${JSON.stringify({
    object: "page",
    data: [
      bucket(MAR_2, [
        MINI_12000,
        result("gpt-4o-2024-08-06", 40, "proj_research", 80_000, 20_000),
        result("gpt-9", 300, "proj_research", 3000, 300),
      ]),
      bucket(MAR_3, [result("gpt-4o-mini-2024-07-18", 5000, "proj_search", 1_000_000, 100_000)]),
    ],
    has_more: false,
    next_page: null,
  })}\n`,
};

let dir: string;
const run = async (out: string, ...extra: string[]) => {
  const { code, err } = await runCli(
    dir,
    "run",
    "--logs",
    "logs",
    "--pricing-dir",
    "pricing",
    "--policies-dir",
    "policies",
    "--out",
    out,
    "--no-progress",
    ...extra,
  );
  expect(err).toBe("");
  expect(code).toBe(0);
  return JSON.parse(await readFile(path.join(dir, out, "manifest.json"), "utf8"));
};
const csv = async (file: string) => parse(await readFile(path.join(dir, file), "utf8"), { columns: true }) as Record<string, string>[];

/** by-model extract rows as [date, model, requests, unpriced_requests]. */
const byModel = (rows: Record<string, string>[]) => rows.map((r) => [r.date, r.model, Number(r.requests), Number(r.unpriced_requests)]);

// Requests per (day, model), worked by hand: an aggregate row counts as its calls, Anthropic's (calls 0) as 1.
const BY_MODEL = [
  ["2026-03-02", "anthropic/claude-haiku-4-5-20251001", 1, 0],
  ["2026-03-02", "anthropic/claude-sonnet-4-5-20250929", 1, 1],
  ["2026-03-02", "openai/gpt-4o-2024-08-06", 25 + 7 + 40, 0],
  ["2026-03-02", "openai/gpt-4o-mini-2024-07-18", 1 + 12_000, 0],
  ["2026-03-02", "openai/gpt-9", 300, 300],
  ["2026-03-03", "openai/gpt-4o-mini-2024-07-18", 5000, 0],
];
const REQUESTS = 1 + 1 + 72 + 12_001 + 300 + 5000; // 17,375
const UNPRICED_REQUESTS = 1 + 300;

const sortRows = (rows: unknown[][]) => [...rows].sort((a, b) => (String(a) < String(b) ? -1 : 1));
/** A grain's groups as sorted extract rows. */
const groupsOf = (rollup: DayRollup, key: string) => {
  const r = Rollup.fromJSON(rollup.grains[key]!);
  return sortRows(toExtractTable(r.toColumns(), r.dimensions as string[]).rows);
};

let manifest: Record<string, any>;
beforeAll(async () => {
  dir = await writeTempTree(FILES);
  await cp(path.join(REPO_PRICING, "catalog"), path.join(dir, "pricing/catalog"), { recursive: true });
  await run("out");
  manifest = await checkOutputs(path.join(dir, "out"));
}, 60_000);

describe("aggregate rows count as their calls in request figures, and as one row in the row accounting", () => {
  it("the manifest's buckets add up in rows; its breakdowns and dataset count requests", () => {
    // 2 Anthropic results + 2 canonical rows + 2 overlap results + 4 page results = 10 rows; one bucket read twice.
    expect(manifest.counts).toEqual({
      rows_read: 10,
      priced: 7,
      unpriced: 2,
      rejected: 0,
      duplicates: 1,
      virtual_parents: 0,
      out_of_window: 0,
    });
    expect(manifest.inputs.map((i: { file: string; rows: number }) => [i.file, i.rows])).toEqual([
      ["logs/anthropic-usage.jsonl", 2],
      ["logs/canonical.jsonl", 2],
      ["logs/openai-overlap.jsonl", 2],
      ["logs/openai-usage.jsonl", 4],
    ]);
    expect(manifest.dataset.rows).toBe(9);
    expect(manifest.dataset.unpriced_requests).toBe(UNPRICED_REQUESTS);
    const bySource = manifest.run.by_price_source;
    expect([bySource.public.requests, bySource.private.requests, bySource.unpriced.requests]).toEqual([
      REQUESTS - UNPRICED_REQUESTS,
      0,
      UNPRICED_REQUESTS,
    ]);
    expect(Object.values(manifest.run.by_policy_status).reduce((n: number, b) => n + (b as { requests: number }).requests, 0)).toBe(
      REQUESTS,
    );
    expect(manifest.run.unpriced_reasons.map((r: { requests: number }) => r.requests).sort((a: number, b: number) => a - b)).toEqual([
      1, 300,
    ]);
  });

  it("the extracts (the run's and `costs extract` from the rows) count each bucket's calls", async () => {
    expect(byModel(await csv("out/extracts/by-model.csv"))).toEqual(BY_MODEL);
    const { code, out } = await runCli(dir, "extract", "--data", "out", "--group-by", "date,model");
    expect(code).toBe(0);
    expect(byModel(parse(out, { columns: true }))).toEqual(BY_MODEL);
    // Parquet too, read back.
    const { columns } = await readParquet(path.join(dir, "out/extracts/by-model.parquet"), ["requests"]);
    expect(columns.requests!.map(Number).reduce((a, b) => a + b, 0)).toBe(REQUESTS);
  });

  it("FOCUS x_Requests are the priced calls of each component row", async () => {
    const focus = await csv("out/focus/focus.csv");
    // Every priced call has output tokens, at one rate per model: one output row per day and model.
    const output = focus.filter((r) => r.x_Component === "output");
    expect(
      output.map((r) => [r.ChargePeriodStart!.slice(0, 10), r.x_GatewayModel, Number(r.x_Requests), Number(r.PricingQuantity)]),
    ).toEqual([
      ["2026-03-02", "anthropic/claude-haiku-4-5-20251001", 1, 100],
      ["2026-03-02", "openai/gpt-4o-2024-08-06", 25 + 7 + 40, 2500 + 700 + 20_000],
      ["2026-03-02", "openai/gpt-4o-mini-2024-07-18", 1 + 12_000, 50 + 600_000],
      ["2026-03-03", "openai/gpt-4o-mini-2024-07-18", 5000, 100_000],
    ]);
    expect(output.reduce((n, r) => n + Number(r.x_Requests), 0)).toBe(REQUESTS - UNPRICED_REQUESTS);
    expect(manifest.outputs.focus.excluded_unpriced_requests).toBe(UNPRICED_REQUESTS);
  });

  it("day rollups: rows in rows, unpriced requests in calls, the same from the run as from the day's rows", async () => {
    const policies = await loadPoliciesOrThrow(path.join(dir, "policies"));
    const grains = dayGrains(policies.extracts, policies.siteMetadataKeys);
    const book = await loadPricingOrThrow(path.join(dir, "pricing"));
    const dimensions = focusPieceDimensions(policies.focusTags);
    const totals: Array<[string, number, number]> = [];
    for (const day of ["2026-03-02", "2026-03-03"]) {
      const written = (await readDayRollup(path.join(dir, "out"), day))!;
      const focus = { book, pricingVersion: written.pricing_version, dimensions };
      const fromRows = await dayRollupFromRows(path.join(dir, "out"), day, grains, undefined, focus);
      for (const g of grains) expect(groupsOf(written, g.key), `${day} ${g.key}`).toEqual(groupsOf(fromRows, g.key));
      expect({ ...written, grains: null }, day).toEqual({ ...fromRows, grains: null });
      totals.push([day, written.rows, written.unpriced_requests]);
    }
    expect(totals).toEqual([
      ["2026-03-02", 8, UNPRICED_REQUESTS],
      ["2026-03-03", 1, 0],
    ]);
  });

  it("the pricing diff prices the usage's aggregate rows as the run did", async () => {
    const book = await loadPricingOrThrow(path.join(dir, "pricing"));
    const { impact } = await diffImpact(path.join(dir, "out"), 30, book, book);
    // The same prices on both sides: the run's cost, the unpriced aggregates (tiers, unknown count) included as 0.
    expect([impact!.base_cost_usd, impact!.head_cost_usd]).toEqual([manifest.dataset.cost_usd, manifest.dataset.cost_usd]);
  });

  it("worker threads give the same request figures", async () => {
    await run("out-threads", "--threads", "2");
    await checkOutputs(path.join(dir, "out-threads"));
    expect(await csv("out-threads/extracts/by-model.csv")).toEqual(await csv("out/extracts/by-model.csv"));
    expect(await csv("out-threads/focus/focus.csv")).toEqual(await csv("out/focus/focus.csv"));
  });

  it("the site data's totals, daily figures and cube count calls", async () => {
    const { code, err } = await runCli(dir, "site-data", "--data", "out", "--out", "site/json", "--public-dir", "site/public");
    expect([code, err]).toEqual([0, ""]);
    const summary = JSON.parse(await readFile(path.join(dir, "site/json/summary.json"), "utf8"));
    expect([summary.totals.requests, summary.totals.unpriced_requests]).toEqual([REQUESTS, UNPRICED_REQUESTS]);
    expect(summary.counts.rows_read).toBe(10);
    const daily = (summary.daily as Array<{ date: string; requests: number }>).reduce<Record<string, number>>(
      (days, d) => ({ ...days, [d.date]: (days[d.date] ?? 0) + d.requests }),
      {},
    );
    expect(daily).toEqual({ "2026-03-02": REQUESTS - 5000, "2026-03-03": 5000 });
    const { columns } = await readParquet(path.join(dir, "site/public/data/cube.parquet"), ["requests", "unpriced_requests"]);
    expect(columns.requests!.map(Number).reduce((a, b) => a + b, 0)).toBe(REQUESTS);
    expect(columns.unpriced_requests!.map(Number).reduce((a, b) => a + b, 0)).toBe(UNPRICED_REQUESTS);
    // The reported cost covers the 25 calls of the canonical aggregate row.
    const reconciliation = JSON.parse(await readFile(path.join(dir, "site/json/reconciliation.json"), "utf8"));
    expect(reconciliation.reported_requests).toBe(25);
    expect(
      reconciliation.by_model_day.map((m: { date: string; model: string; requests: number }) => [m.date, m.model, m.requests]),
    ).toEqual([["2026-03-02", "openai/gpt-4o-2024-08-06", 25]]);
  });

  it("a day rollup of version 1 (every row one request) is rebuilt from the day's rows; without them it is read as it is", async () => {
    const out = path.join(dir, "out-v1");
    await cp(path.join(dir, "out"), out, { recursive: true });
    // What costs wrote before rollup_version 2: no `rows` count, `requests` counting rows.
    const file = path.join(out, "rollups/date=2026-03-02.json");
    const v2 = JSON.parse(await readFile(file, "utf8")) as DayRollup;
    const v1 = {
      ...v2,
      rollup_version: 1,
      unpriced_requests: 2,
      grains: Object.fromEntries(
        Object.entries(v2.grains).map(([key, g]) => {
          const { rows, ...counts } = g.counts as Record<string, string>;
          const unpriced = rows!.split(",").map((n, i) => (g.counts.unpriced_requests!.split(",")[i] === "0" ? "0" : n));
          return [key, { ...g, counts: { ...counts, requests: rows!, unpriced_requests: unpriced.join(",") } }];
        }),
      ),
    };
    await writeFile(file, JSON.stringify(v1));
    const rollupOnly = path.join(dir, "out-v1-rollup-only");
    await cp(out, rollupOnly, { recursive: true });
    await rm(path.join(rollupOnly, "priced/date=2026-03-02"), { recursive: true });

    // Only 2026-03-03 is priced again: 2026-03-02 is a kept day, read from its rollup.
    await run("out-v1", "--since", "2026-03-03", "--until", "2026-03-03");
    await checkOutputs(out);
    expect(byModel(await csv("out-v1/extracts/by-model.csv"))).toEqual(BY_MODEL);
    const rebuilt = (await readDayRollup(out, "2026-03-02"))!;
    expect([rebuilt.rollup_version, rebuilt.rows, rebuilt.unpriced_requests]).toEqual([2, 8, UNPRICED_REQUESTS]);

    // Its rows gone, the old rollup is all there is (read as it is: each of its rows one request), and the manifest says so.
    const kept = await run("out-v1-rollup-only", "--since", "2026-03-03", "--until", "2026-03-03");
    expect(kept.dataset.rollup_only_days).toEqual(["2026-03-02"]);
    expect(byModel(await csv("out-v1-rollup-only/extracts/by-model.csv"))).toEqual([
      ["2026-03-02", "anthropic/claude-haiku-4-5-20251001", 1, 0],
      ["2026-03-02", "anthropic/claude-sonnet-4-5-20250929", 1, 1],
      ["2026-03-02", "openai/gpt-4o-2024-08-06", 3, 0],
      ["2026-03-02", "openai/gpt-4o-mini-2024-07-18", 2, 0],
      ["2026-03-02", "openai/gpt-9", 1, 1],
      ["2026-03-03", "openai/gpt-4o-mini-2024-07-18", 5000, 0],
    ]);
    expect((await readDayRollup(rollupOnly, "2026-03-02"))!.rollup_version).toBe(1);
  });
});
