/**
 * End-to-end: a TrueFoundry `gateway_model_metrics` export with only its documented
 * columns (no cache-token, region, batch or service-tier column), priced with the preset.
 * Gateway cache hits cost what the gateway reported; every price-relevant column the file
 * lacks is in the manifest and the summary with the rows it touches, worked out by hand
 * below from test/pricing-fixture.ts; the same rows as JSON Lines through worker threads
 * give the same figures; a canonical input with every column reports none.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { formatNano } from "../../src/pricing/money.ts";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { PRICING_FIXTURE } from "../pricing-fixture.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

// The documented columns of the metrics table, and CacheHit.
const HEADER =
  "CreatedAt,ModelName,InputTokens,OutputTokens,CostInUSD,Metadata,CreatedBySubjectSlug,CreatedBySubjectType,Teams,VirtualModelName,TraceId,SpanId,CacheHit";
type Line = [model: string, input: number, output: number, cost: string, cacheHit: string, virtualModel: string, trace: string];
const LINES: Line[] = [
  // line 2: flat (cache-read, cache-write and batch rates): 1000 × 1e-6 + 500 × 2e-6 + request 0.005 = 0.007
  ["acme-main/flat", 1000, 500, "0.007", "false", "", "t1"],
  // line 3: flat: 2000 × 1e-6 + 100 × 2e-6 + 0.005 = 0.0072
  ["acme-main/flat", 2000, 100, "", "false", "", "t2"],
  // line 4: a gateway cache hit reported at 0: cost 0, not the 0.0072 of the catalog
  ["acme-main/flat", 2000, 100, "0", "true", "", "t3"],
  // line 5: nobatch (no cache, batch, region or priority price): 100 × 3e-6 + 10 × 15e-6 = 0.00045
  ["acme-main/nobatch", 100, 10, "", "", "", "t4"],
  // line 6: regional, two region entries, the account's us-east-1: 1000 × 6e-8 + 1000 × 2.4e-7 = 0.0003
  ["acme-us/regional", 1000, 1000, "", "", "", "t5"],
  // line 7: prio (priority_pricing): 100 × 2e-6 + 100 × 8e-6 = 0.001
  ["acme-main/prio", 100, 100, "", "", "", "t6"],
  // line 8: audio (audio rates): 100 × 2.5e-6 + 100 × 1e-5 = 0.00125
  ["acme-main/audio", 100, 100, "", "", "", "t7"],
  // line 9: a duplicate of line 2: counted once
  ["acme-main/flat", 1000, 500, "0.007", "false", "", "t1"],
  // line 10: a cache hit with no reported cost: 0
  ["acme-main/flat", 500, 50, "", "1", "", "t8"],
  // line 11: a cache hit the gateway charged 0.0001 for: 0.0001
  ["acme-us/regional", 1000, 1000, "0.0001", "TRUE", "", "t9"],
  // line 12: an undeclared account: unpriced, its price depends on nothing
  ["mystery/x", 10, 10, "", "", "", "t10"],
  // line 13: a virtual-model parent row: counted, not priced
  ["acme-main/flat", 1000, 500, "", "", "router/smart", "t11"],
];

const csv = `${HEADER}\n${LINES.map(([model, input, output, cost, hit, virtualModel, trace]) =>
  [
    "2026-07-01T10:00:00Z",
    model,
    input,
    output,
    cost,
    '"{""env"":""prod""}"',
    "alice@example.com",
    "user",
    '"[""payments""]"',
    virtualModel,
    trace,
    "s1",
    hit,
  ].join(","),
).join("\n")}\n`;

const jsonl = `${LINES.map(([model, input, output, cost, hit, virtualModel, trace]) =>
  JSON.stringify({
    CreatedAt: "2026-07-01T10:00:00Z",
    ModelName: model,
    InputTokens: input,
    OutputTokens: output,
    ...(cost === "" ? {} : { CostInUSD: Number(cost) }),
    Metadata: { env: "prod" },
    CreatedBySubjectSlug: "alice@example.com",
    CreatedBySubjectType: "user",
    Teams: ["payments"],
    ...(virtualModel === "" ? {} : { VirtualModelName: virtualModel }),
    TraceId: trace,
    SpanId: "s1",
    ...(hit === "" ? {} : { CacheHit: hit === "1" ? 1 : hit.toLowerCase() === "true" }),
  }),
).join("\n")}\n`;

// A canonical input that has a value for every price field in some row.
const canonical = `${[
  {
    request_id: "c1",
    timestamp: "2026-07-01T10:00:00Z",
    model: "acme-main/flat",
    input_tokens: 1000,
    output_tokens: 500,
    cache_read_tokens: 200,
    cache_write_tokens: 0,
    region: "us-east-1",
    batch: false,
    service_tier: "default",
  },
  {
    request_id: "c2",
    timestamp: "2026-07-01T10:00:00Z",
    model: "acme-main/units",
    input_tokens: 0,
    output_tokens: 0,
    input_audio_tokens: 0,
    output_audio_tokens: 0,
    input_images: 1,
    output_images: 0,
    input_characters: 0,
    input_seconds: 0,
    output_seconds: 0,
    queries: 0,
    pages: 0,
  },
]
  .map((r) => JSON.stringify(r))
  .join("\n")}\n`;

let dir: string;
const costs = (...argv: string[]) => runCli(dir, ...argv);
const run = (logs: string, out: string, ...more: string[]) =>
  costs("run", "--logs", logs, "--pricing-dir", "pricing", "--policies-dir", "policies", "--out", out, "--no-progress", ...more);
const manifestOf = async (out: string) => JSON.parse(await readFile(path.join(dir, out, "manifest.json"), "utf8"));

async function pricedRows(out: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const priced = path.join(dir, out, "priced");
  for (const day of (await readdir(priced)).sort())
    for (const file of (await readdir(path.join(priced, day))).sort()) {
      const { rowCount, columns } = await readParquet(path.join(priced, day, file));
      for (let i = 0; i < rowCount; i++) rows.push(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, v[i]])));
    }
  return rows.sort((a, b) => String(a.request_id).localeCompare(String(b.request_id)));
}

// What the file lacks and touches (rows: the 10 kept rows; the duplicate and the parent aside).
const FLAT = ["t1:s1", "t2:s1"]; // flat, not cache hits: 0.007 + 0.0072
const EXPECTED_MISSING = [
  {
    field: "cache_read_tokens",
    assumption: "no cache reads (0)",
    rows_affected: 2,
    cost_affected_usd: "0.014200000",
    first_request_ids: FLAT,
  },
  {
    field: "cache_write_tokens",
    assumption: "no cache writes (0)",
    rows_affected: 2,
    cost_affected_usd: "0.014200000",
    first_request_ids: FLAT,
  },
  {
    field: "region",
    assumption: "the account's region (else the catalog's default)",
    rows_affected: 1,
    cost_affected_usd: "0.000300000",
    first_request_ids: ["t5:s1"],
  },
  { field: "batch", assumption: "not batch", rows_affected: 2, cost_affected_usd: "0.014200000", first_request_ids: FLAT },
  { field: "service_tier", assumption: "standard tier", rows_affected: 1, cost_affected_usd: "0.001000000", first_request_ids: ["t6:s1"] },
  {
    field: "input_audio_tokens",
    assumption: "no audio input (0)",
    rows_affected: 1,
    cost_affected_usd: "0.001250000",
    first_request_ids: ["t7:s1"],
  },
  {
    field: "output_audio_tokens",
    assumption: "no audio output (0)",
    rows_affected: 1,
    cost_affected_usd: "0.001250000",
    first_request_ids: ["t7:s1"],
  },
].map((m) => ({ ...m, rows: 10 }));

let csvRun: { code: number; out: string; err: string };

beforeAll(async () => {
  dir = await writeTempTree({
    ...Object.fromEntries(Object.entries(PRICING_FIXTURE).map(([k, v]) => [`pricing/${k}`, v])),
    "policies/.keep": "",
    "tf/gateway_model_metrics.csv": csv,
    "tfj/gateway_model_metrics.jsonl": jsonl,
    "canon/calls.jsonl": canonical,
  });
  csvRun = await run("tf", "out-csv");
});

describe("a TrueFoundry metrics export priced with the preset", () => {
  it("prices gateway cache hits at the gateway's own cost, tokens still counted", async () => {
    expect(csvRun.err).toBe("");
    expect(csvRun.code).toBe(0);
    const rows = await pricedRows("out-csv");
    const byId = Object.fromEntries(rows.map((r) => [r.request_id, r]));
    const shown = (id: string) => {
      const r = byId[id]!;
      return [r.price_source, r.gateway_cache_hit, money(r.cost_usd), money(r.list_cost_usd), r.input_tokens, r.price_ref === null];
    };
    expect(shown("t3:s1")).toEqual(["gateway_cache", true, "0.000000000", "0.000000000", 2000n, true]);
    expect(shown("t8:s1")).toEqual(["gateway_cache", true, "0.000000000", "0.000000000", 500n, true]);
    expect(shown("t9:s1")).toEqual(["gateway_cache", true, "0.000100000", "0.000100000", 1000n, true]);
    expect(shown("t2:s1")).toEqual(["public", false, "0.007200000", "0.007200000", 2000n, false]);
    // A cache hit still belongs to its account and region (attribution, region breakdowns).
    expect([byId["t9:s1"]!.provider_account, byId["t9:s1"]!.region, byId["t3:s1"]!.input_cost_usd]).toEqual(["acme-us", "us-east-1", null]);
    const manifest = await manifestOf("out-csv");
    expect(manifest.counts).toMatchObject({ rows_read: 12, priced: 9, unpriced: 1, duplicates: 1, virtual_parents: 1, rejected: 0 });
    expect(manifest.run.by_price_source).toEqual({
      public: { requests: 6, cost_usd: "0.017200000" },
      private: { requests: 0, cost_usd: "0.000000000" },
      gateway_cache: { requests: 3, cost_usd: "0.000100000" },
      unpriced: { requests: 1, cost_usd: "0.000000000" },
    });
    expect(manifest.dataset.cost_usd).toBe("0.017300000");
  });

  it("lists every price-relevant column the file lacks, with the rows and cost whose price depends on it", async () => {
    const manifest = await manifestOf("out-csv");
    expect(manifest.inputs).toHaveLength(1);
    expect(manifest.inputs[0].missing_price_columns).toEqual(EXPECTED_MISSING.map((m) => expect.objectContaining(m)));
    expect(manifest.price_assumptions.map((a: { field: string }) => a.field)).toEqual(EXPECTED_MISSING.map((m) => m.field));
    expect(manifest.price_assumptions[0]).toEqual({
      field: "cache_read_tokens",
      assumption: "no cache reads (0)",
      depends_on: "a cache-read rate",
      files: ["tf/gateway_model_metrics.csv"],
      rows: 10,
      rows_affected: 2,
      cost_affected_usd: "0.014200000",
    });
  });

  it("says so in the summary, one line per missing column", () => {
    expect(csvRun.out).toContain(
      "10 rows from tf/gateway_model_metrics.csv have no cache_read_tokens column: priced as no cache reads (0); 2 of them (0.014200000 USD) are for models with a cache-read rate",
    );
    expect(csvRun.out).toContain(
      "10 rows from tf/gateway_model_metrics.csv have no region column: priced as the account's region (else the catalog's default); 1 of them (0.000300000 USD) is for models with prices that differ by region",
    );
    expect(csvRun.out.match(/rows from tf\/gateway_model_metrics\.csv have no /g)).toHaveLength(EXPECTED_MISSING.length);
    expect(csvRun.out).toMatch(/gateway cache\s+3\s+0\.000100000/);
  });

  it("keeps cache hits at the gateway's cost through `costs restate`, which reads priced rows (every column) and reports no missing column", async () => {
    const before = await pricedRows("out-csv");
    const result = await costs(
      "restate",
      "--since",
      "2026-07-01",
      "--data",
      "out-csv",
      "--pricing-dir",
      "pricing",
      "--policies-dir",
      "policies",
    );
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    const after = await pricedRows("out-csv");
    const shown = (rows: Record<string, unknown>[]) =>
      rows.map((r) => [r.request_id, r.price_source, r.gateway_cache_hit, money(r.cost_usd)]);
    expect(shown(after)).toEqual(shown(before));
    const manifest = await manifestOf("out-csv");
    expect(manifest.run.by_price_source.gateway_cache).toEqual({ requests: 3, cost_usd: "0.000100000" });
    expect(manifest.price_assumptions).toEqual([]);
  });

  it("gives the same figures for the same rows as JSON Lines priced by worker threads", async () => {
    const result = await run("tfj", "out-jsonl", "--threads", "2");
    expect(result.err).toBe("");
    const manifest = await manifestOf("out-jsonl");
    expect(manifest.inputs[0].missing_price_columns).toEqual(EXPECTED_MISSING.map((m) => expect.objectContaining(m)));
    expect(manifest.run.by_price_source.gateway_cache).toEqual({ requests: 3, cost_usd: "0.000100000" });
  });

  it("reports nothing for a canonical input that has every price column", async () => {
    const result = await run("canon", "out-canon");
    expect(result.err).toBe("");
    const manifest = await manifestOf("out-canon");
    expect(manifest.inputs[0].missing_price_columns).toEqual([]);
    expect(manifest.price_assumptions).toEqual([]);
    expect(result.out).not.toContain("price columns missing");
  });
});

const money = (v: unknown) => (v === null ? null : formatNano(v as bigint));
