/**
 * End-to-end golden test: a hand-made log covering every rule of SPEC 5 and the pricing
 * edge cases of SPEC 4.4, run through `costs run`; the priced rows are read back from
 * Parquet by hyparquet and compared with costs worked out by hand (see the comments).
 */
import { cp, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { formatNano } from "../../src/pricing/money.ts";
import { readParquet } from "../../src/parquet/read-parquet.ts";
import { checkOutputs } from "../check-outputs.ts";
import { PRICING_FIXTURE } from "../pricing-fixture.ts";
import { runCli } from "../run-cli.ts";
import { writeTempTree } from "../temp-dir.ts";

const GOLDEN = path.join(import.meta.dirname, "golden");
let dir: string;

const costs = (...argv: string[]) => runCli(dir, ...argv);

const RUN = ["run", "--logs", "logs", "--pricing-dir", "pricing", "--policies-dir", "policies", "--out", "out", "--no-progress"];

async function pricedRows(out = "out"): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const priced = path.join(dir, out, "priced");
  for (const day of (await readdir(priced)).sort()) {
    for (const file of (await readdir(path.join(priced, day))).sort()) {
      const { rowCount, columns } = await readParquet(path.join(priced, day, file));
      for (let i = 0; i < rowCount; i++) rows.push(Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, v[i]])));
    }
  }
  return rows;
}

const money = (v: unknown) => (v === null ? null : formatNano(v as bigint));

beforeAll(async () => {
  dir = await writeTempTree(Object.fromEntries(Object.entries(PRICING_FIXTURE).map(([k, v]) => [`pricing/${k}`, v])));
  await cp(path.join(GOLDEN, "logs"), path.join(dir, "logs"), { recursive: true });
  await cp(path.join(GOLDEN, "policies"), path.join(dir, "policies"), { recursive: true });
  const result = await costs(...RUN);
  expect(result.err).toBe("");
  expect(result.code).toBe(0);
});

// request_id → [date, team, price_source, cost_usd, list_cost_usd, policy_status, violations]
const EXPECTED: Record<string, [string, string, string, string | null, string | null, string, string[]]> = {
  // flat: 1000 × 0.000001 + 500 × 0.000002 + request 0.005
  r01: ["2026-06-30", "payments", "public", "0.007000000", "0.007000000", "ok", []],
  // PAT-less payments call without cost_center/environment: enforce rule breaks
  r02: [
    "2026-06-30",
    "payments",
    "public",
    "0.006000000",
    "0.006000000",
    "rejected_by_policy",
    ["require-cost-center:cost_center:missing", "require-cost-center:environment:missing"],
  ],
  // cumulative tier at 1001: 1001 × 0.000002 + 100 × 0.000005; VA tags fix environment
  r03: ["2026-06-30", "payments", "public", "0.002502000", "0.002502000", "ok", []],
  // PAT without a team, two teams → unassigned; 100 × 0.000003 + 10 × 0.000015
  r04: ["2026-06-30", "unassigned", "public", "0.000450000", "0.000450000", "warning", ["require_pat_team:bob-laptop:no_team"]],
  // 10 × 0.000001 + 10 × 0.000002 + 0.005; bad customer_id (audit) and an unlisted PAT
  r05: [
    "2026-06-30",
    "search",
    "public",
    "0.005030000",
    "0.005030000",
    "warning",
    ["customer-format:customer_id:no_match", "require_pat_team:dave-tmp:no_team"],
  ],
  // carol is in not_in: the audit rule does not apply; request charge only
  r06: ["2026-06-30", "search", "public", "0.005000000", "0.005000000", "ok", []],
  // 100 × 2e-8; unknown key under allow_unknown_keys: false
  r07: ["2026-06-30", "unassigned", "public", "0.000002000", "0.000002000", "warning", ["strict-keys:extra:unknown_key"]],
  r08: ["2026-06-30", "unassigned", "unpriced", null, null, "ok", []],
  r09: ["2026-06-30", "unassigned", "unpriced", null, null, "ok", []],
  // last second of the first contract period: 1000 × 0.000002 + 1000 × 0.000008; list (flat) 0.008
  r10: ["2026-06-30", "unassigned", "private", "0.010000000", "0.008000000", "ok", []],
  // first instant of the second period: 1000 × 0.0000018 + 1000 × 0.0000072
  r11: ["2026-07-01", "unassigned", "private", "0.009000000", "0.008000000", "ok", []],
  // the child attempt of the virtual-model call r13: 1000 × 0.000003 + 100 × 0.000015
  r14: ["2026-07-01", "unassigned", "public", "0.004500000", "0.004500000", "ok", []],
  // batch: 1000 × 5e-7 + 500 × 0.000001 + 0.005
  r15: ["2026-07-01", "unassigned", "public", "0.006000000", "0.006000000", "ok", []],
  // priority tiers: 2000 × 0.000007 + 100 × 0.000014
  r16: ["2026-07-01", "unassigned", "public", "0.015400000", "0.015400000", "ok", []],
  // cache: 500 × 0.000001 + 400 × 1e-7 + 100 × 0.00000125 + 0.005
  r17: ["2026-07-01", "unassigned", "public", "0.005665000", "0.005665000", "ok", []],
  // audio: 800 × 0.0000025 + 200 × 0.00004 + 400 × 0.00001 + 100 × 0.00008
  r18: ["2026-07-01", "unassigned", "public", "0.022000000", "0.022000000", "ok", []],
  // 12.5 s × 0.0001 + request 0.005
  r19: ["2026-07-01", "unassigned", "public", "0.006250000", "0.006250000", "ok", []],
  // marginal: 1000 × 1e-6 + 4000 × 2e-6 + 1000 × 3e-6 + 100 × 4e-6 + 100 × 5e-6
  r20: ["2026-07-01", "unassigned", "public", "0.012900000", "0.012900000", "ok", []],
  // us-east-1 falls back to "*": 1000 × 8e-7 + 1000 × 0.0000032
  r21: ["2026-07-01", "unassigned", "public", "0.004000000", "0.004000000", "ok", []],
};

describe("costs run on the golden log", () => {
  it("prices every row as worked out by hand, read back from Parquet by a second reader", async () => {
    const rows = await pricedRows();
    expect(rows.map((r) => r.request_id)).toEqual(Object.keys(EXPECTED));
    for (const row of rows) {
      const [date, team, source, cost, list, status, violations] = EXPECTED[row.request_id as string]!;
      expect(
        [
          row.date,
          row.team,
          row.price_source,
          money(row.cost_usd),
          money(row.list_cost_usd),
          row.policy_status,
          JSON.parse(row.policy_violations as string),
        ],
        `${row.request_id}`,
      ).toEqual([date, team, source, cost, list, status, violations]);
    }
  });

  it("injects admins' tags over client values and records each override", async () => {
    const rows = Object.fromEntries((await pricedRows()).map((r) => [r.request_id, r]));
    expect([rows.r01!.metadata, rows.r01!.metadata_overrides]).toEqual([
      '{"cost_center":"CC-1042","environment":"production"}',
      '["cost_center"]',
    ]);
    expect([rows.r03!.metadata, rows.r03!.metadata_overrides]).toEqual([
      '{"application":"checkout","cost_center":"CC-1042","environment":"production"}',
      '["environment"]',
    ]);
    expect([rows.r07!.metadata, rows.r07!.metadata_overrides]).toEqual(['{"application":"strict","extra":"1"}', '["application"]']);
    expect([rows.r03!.virtual_account, rows.r03!.user, rows.r01!.user]).toEqual(["checkout-service", null, "alice@example.com"]);
  });

  it("explains each price: ref, tier, mode, components and lineage", async () => {
    const rows = Object.fromEntries((await pricedRows()).map((r) => [r.request_id, r]));
    expect(rows.r03).toMatchObject({
      price_ref: "pricing/catalog/providers/acme/tiers/cumul.yaml#costs",
      tier: "from 1000",
      pricing_mode: "cumulative",
    });
    expect(rows.r11).toMatchObject({ price_ref: "pricing/private/contract.yaml#prices[1]", provider_model: "flat" });
    expect(rows.r21).toMatchObject({ region: "us-east-1", price_ref: "pricing/catalog/providers/acme/regional-star.yaml#costs[0]" });
    expect(rows.r08).toMatchObject({
      unpriced_reason: "unknown provider account `mystery` (not declared in pricing/accounts/)",
      cost_usd: null,
      input_cost_usd: null,
    });
    expect([
      money(rows.r17!.input_cost_usd),
      money(rows.r17!.cache_read_cost_usd),
      money(rows.r17!.cache_write_cost_usd),
      money(rows.r17!.request_cost_usd),
    ]).toEqual(["0.000500000", "0.000040000", "0.000125000", "0.005000000"]);
    expect([rows.r10!.source_file, rows.r10!.source_line, rows.r21!.source_line]).toEqual(["logs/calls.jsonl", 10n, 21n]);
    expect(rows.r19!.input_seconds).toBe("12.5");
    expect(rows.r01!.pricing_version).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it("accounts for every row: read = priced + unpriced + rejected + duplicates + virtual parents", async () => {
    const manifest = JSON.parse(await readFile(path.join(dir, "out/manifest.json"), "utf8"));
    expect(manifest.counts).toEqual({
      rows_read: 28,
      priced: 17,
      unpriced: 2,
      rejected: 7,
      duplicates: 1,
      virtual_parents: 1,
      out_of_window: 0,
    });
    await checkOutputs(path.join(dir, "out"));
    const c = manifest.counts;
    expect(c.priced + c.unpriced + c.rejected + c.duplicates + c.virtual_parents + c.out_of_window).toBe(c.rows_read);
    expect(manifest.run).toMatchObject({
      days: ["2026-06-30", "2026-07-01"],
      cost_usd: "0.121699000",
      by_price_source: {
        public: { requests: 15 },
        private: { requests: 2, cost_usd: "0.019000000" },
        unpriced: { requests: 2, cost_usd: "0.000000000" },
      },
      by_policy_status: {
        ok: { requests: 15, cost_usd: "0.110217000" },
        warning: { requests: 3, cost_usd: "0.005482000" },
        rejected_by_policy: { requests: 1, cost_usd: "0.006000000" },
      },
      // 0.110217 / 0.121699 = 0.905652470…
      policy_coverage: "0.905652",
      metadata_overrides: { rows: 3, by_key: { application: 1, cost_center: 1, environment: 1 } },
    });
    expect(manifest.dataset).toMatchObject({ days: ["2026-06-30", "2026-07-01"], rows: 19, cost_usd: "0.121699000", unpriced_requests: 2 });
    expect(manifest.inputs.map((i: { file: string; rows: number; sha256: string }) => [i.file, i.rows, i.sha256.length])).toEqual([
      ["logs/calls.jsonl", 27, 64],
      ["logs/empty.jsonl", 1, 64],
    ]);
  });

  it("writes every reject with file, line, reason and the raw text", async () => {
    // Read back with csv-parse, a reader the writer did not use.
    const records = parse(await readFile(path.join(dir, "out/rejects.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.file, r.line, r.reason])).toEqual([
      ["logs/calls.jsonl", "22", "input_tokens must be ≥ 0, got -5"],
      ["logs/calls.jsonl", "23", "cache_read_tokens + cache_write_tokens (20) exceed input_tokens (10)"],
      ["logs/calls.jsonl", "24", "missing timestamp"],
      ["logs/calls.jsonl", "25", 'output_tokens must be a whole number, got "lots"'],
      ["logs/calls.jsonl", "26", "unknown column `input_token` (did you mean `input_tokens`?)"],
      ["logs/calls.jsonl", "27", expect.stringMatching(/^invalid JSON: /)],
      ["logs/empty.jsonl", "0", "empty file: no rows"],
    ]);
    expect(JSON.parse(records[0]!.raw!)).toMatchObject({ request_id: "r22", input_tokens: -5 });
    expect(records[5]!.raw).toBe('{"request_id":"r27","timestamp":"2026-07-01T09:0');
  });

  it("writes the configured extracts, each adding up exactly to the manifest total", async () => {
    const manifest = JSON.parse(await readFile(path.join(dir, "out/manifest.json"), "utf8"));
    expect(manifest.outputs.extracts.map((e: { name: string; cost_usd: string }) => [e.name, e.cost_usd])).toEqual([
      ["by-user", "0.121699000"],
      ["by-team", "0.121699000"],
      ["by-model", "0.121699000"],
      ["by-customer", "0.121699000"],
    ]);
    expect(await readFile(path.join(dir, "out/extracts/by-team.csv"), "utf8")).toBe(
      [
        "month,team,requests,input_tokens,cache_read_tokens,cache_write_tokens,output_tokens,cost_usd,list_cost_usd,unpriced_requests",
        "2026-06,payments,3,3001,0,0,600,0.015502000,0.015502000,0",
        "2026-06,search,2,10,0,0,10,0.010030000,0.010030000,0",
        "2026-06,unassigned,5,1400,0,0,1030,0.010452000,0.008452000,2",
        "2026-07,unassigned,9,14000,400,100,3400,0.085715000,0.084715000,0",
        "",
      ].join("\n"),
    );
    expect(await readFile(path.join(dir, "out/extracts/by-customer.csv"), "utf8")).toMatch(
      new RegExp(
        [
          "^month,metadata\\.customer_id,requests,.*",
          "2026-06,,6,.*,0\\.015954000,.*,1",
          "2026-06,bad,1,.*,0\\.005000000,.*,0",
          "2026-06,cus_A1,2,.*,0\\.010000000,.*,1",
          "2026-06,cust-12,1,.*,0\\.005030000,.*,0",
          "2026-07,,8,.*,0\\.076715000,.*,0",
          "2026-07,cus_A1,1,.*,0\\.009000000,.*,0\\n$",
        ].join("\\n"),
      ),
    );
    // The Parquet extract holds the same exact decimals.
    const { columns } = await readParquet(path.join(dir, "out/extracts/by-team.parquet"));
    expect(columns.cost_usd!.map(money)).toEqual(["0.015502000", "0.010030000", "0.010452000", "0.085715000"]);
    expect(columns.cost_usd!.reduce((a, b) => (a as bigint) + (b as bigint), 0n)).toBe(121699000n);
  });

  it("writes a FOCUS export that adds up to the manifest total and leaves unpriced calls out", async () => {
    const manifest = JSON.parse(await readFile(path.join(dir, "out/manifest.json"), "utf8"));
    expect(manifest.outputs.focus).toMatchObject({ cost_usd: "0.121699000", excluded_unpriced_requests: 2 });
    const csv = await readFile(path.join(dir, "out/focus/focus.csv"), "utf8");
    const header = csv.slice(0, csv.indexOf("\n"));
    expect(header).toMatch(
      /^BilledCost,BillingAccountId,BillingAccountName,BillingCurrency,BillingPeriodEnd,BillingPeriodStart,ChargeCategory,/,
    );
    expect(header).toMatch(/,SkuId,SkuMeter,SkuPriceId,Tags,x_ProviderAccount,x_GatewayModel,x_Team,x_PriceSource,x_Component,x_Requests$/);
    // priv/ft on 2026-07-01, one call of 1,000 input and 1,000 output tokens at amendment 3
    // (0.0000018 and 0.0000072 per token): 0.009 billed. Its list price (acme/flat: 0.000001,
    // 0.000002 and 0.005 per request) charges a request fee the contract waives: 0.008 listed.
    const rows = (parse(csv, { columns: true }) as Array<Record<string, string>>).filter(
      (r) => r.x_GatewayModel === "priv/ft" && r.ChargePeriodStart === "2026-07-01T00:00:00Z",
    );
    const pick = (r: Record<string, string>) => ({
      component: r.x_Component,
      quantity: `${r.PricingQuantity} ${r.PricingUnit}`,
      prices: `${r.ContractedUnitPrice} / ${r.ListUnitPrice}`,
      costs: `${r.BilledCost} ${r.ContractedCost} ${r.ListCost}`,
      sku: `${r.SkuId} ${r.SkuMeter}: ${r.SkuPriceId}`,
    });
    expect(rows.map(pick)).toEqual([
      {
        component: "input",
        quantity: "1000 Tokens",
        prices: "0.0000018 / 0.000001",
        costs: "0.001800000 0.0018 0.001",
        sku: "acme/flat Input tokens: pricing/private/contract.yaml#prices[1]:input_cost_per_token",
      },
      {
        component: "output",
        quantity: "1000 Tokens",
        prices: "0.0000072 / 0.000002",
        costs: "0.007200000 0.0072 0.002",
        sku: "acme/flat Output tokens: pricing/private/contract.yaml#prices[1]:output_cost_per_token",
      },
      {
        component: "request",
        quantity: "1 Requests",
        prices: "0 / 0.005",
        costs: "0.000000000 0 0.005",
        sku: "acme/flat Requests: pricing/private/contract.yaml#prices[1]:(no input_cost_per_request)",
      },
    ]);
    expect(rows[0]).toMatchObject({
      ChargeDescription: "Input tokens of flat through gateway model priv/ft, private prices",
      ChargePeriodEnd: "2026-07-02T00:00:00Z",
      BillingPeriodStart: "2026-07-01T00:00:00Z",
      BillingPeriodEnd: "2026-08-01T00:00:00Z",
      ChargeClass: "",
      PricingCategory: "Standard",
      ProviderName: "acme",
      InvoiceIssuerName: "acme",
      ServiceCategory: "AI and Machine Learning",
      x_Requests: "1",
    });
  });

  it("neutralises spreadsheet formulas from log values in CSV", async () => {
    await costs("extract", "--group-by", "metadata.note", "--data", "out", "--out", "note.csv");
    const csv = await readFile(path.join(dir, "note.csv"), "utf8");
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
  });
});

describe("costs extract", () => {
  it("groups the priced data ad hoc, by period, to CSV on stdout or Parquet", async () => {
    const csv = await costs("extract", "--group-by", "team,model", "--period", "month", "--data", "out");
    expect(csv.code).toBe(0);
    const lines = csv.out.trim().split("\n");
    expect(lines[0]).toBe(
      "month,team,model,requests,input_tokens,cache_read_tokens,cache_write_tokens,output_tokens,cost_usd,list_cost_usd,unpriced_requests",
    );
    expect(lines).toContain("2026-06,payments,acme-main/flat,2,2000,0,0,500,0.013000000,0.013000000,0");
    expect(csv.err).toMatch(
      /^extract: \d+ rows grouped by month, team, model from 19 priced rows \(2026-06-30 … 2026-07-01\), cost_usd 0\.121699000\n$/,
    );

    const day = await costs(
      "extract",
      "--group-by",
      "price_source",
      "--period",
      "day",
      "--since",
      "2026-07-01",
      "--format",
      "parquet",
      "--out",
      "by-day.parquet",
      "--data",
      "out",
    );
    expect(day.code).toBe(0);
    const { columns } = await readParquet(path.join(dir, "by-day.parquet"));
    expect([columns.date, columns.price_source, columns.requests, columns.cost_usd!.map(money)]).toEqual([
      ["2026-07-01", "2026-07-01"],
      ["private", "public"],
      [1n, 8n],
      ["0.009000000", "0.076715000"],
    ]);
  });

  it("explains a bad field, period or an empty data folder", async () => {
    expect(await costs("extract", "--group-by", "colour", "--data", "out")).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^error: --group-by: unknown field `colour`\n {2}hint: use date, month, /),
    });
    expect(await costs("extract", "--group-by", "user", "--period", "week", "--data", "out")).toMatchObject({
      code: 1,
      err: "error: --period: must be day or month, got week\n",
    });
    expect(await costs("extract", "--group-by", "user", "--data", "nowhere")).toMatchObject({
      code: 1,
      err: expect.stringMatching(/no priced partitions to extract from/),
    });
  });
});

describe("re-runs", () => {
  it("running twice gives byte-identical CSV and the same manifest apart from run time", async () => {
    const csvs = async () => {
      const files = [
        "rejects.csv",
        ...(await readdir(path.join(dir, "out/extracts"))).filter((f) => f.endsWith(".csv")).map((f) => `extracts/${f}`),
        "focus/focus.csv",
      ];
      return Object.fromEntries(await Promise.all(files.map(async (f) => [f, await readFile(path.join(dir, "out", f), "utf8")])));
    };
    const manifest = async () => {
      const m = JSON.parse(await readFile(path.join(dir, "out/manifest.json"), "utf8"));
      delete m.generated_at;
      delete m.duration_ms;
      return m;
    };
    const before = { csv: await csvs(), manifest: await manifest(), rows: await pricedRows() };
    expect((await costs(...RUN)).code).toBe(0);
    expect(await csvs()).toEqual(before.csv);
    expect(await manifest()).toEqual(before.manifest);
    expect(await pricedRows()).toEqual(before.rows);
  });

  it("a run over one day replaces that day only and never double counts", async () => {
    const oneDay = await costs(
      "run",
      "--logs",
      "logs",
      "--pricing-dir",
      "pricing",
      "--policies-dir",
      "policies",
      "--out",
      "out",
      "--since",
      "2026-07-01",
      "--no-progress",
    );
    expect(oneDay.code).toBe(0);
    const manifest = JSON.parse(await readFile(path.join(dir, "out/manifest.json"), "utf8"));
    // 2026-07-01 holds r11 and r14–r21 (9 priced); r01–r10 (10 rows, r12 is a duplicate) are outside the window
    expect(manifest.counts).toEqual({
      rows_read: 28,
      priced: 9,
      unpriced: 0,
      rejected: 7,
      duplicates: 1,
      virtual_parents: 1,
      out_of_window: 10,
    });
    expect(manifest.run.days).toEqual(["2026-07-01"]);
    await checkOutputs(path.join(dir, "out"));
    // 2026-06-30 kept from the earlier run, 2026-07-01 replaced: the total is unchanged.
    expect(manifest.dataset).toMatchObject({ days: ["2026-06-30", "2026-07-01"], rows: 19, cost_usd: "0.121699000" });
    expect((await pricedRows()).length).toBe(19);
  });

  it("a broken config stops the run before anything is written", async () => {
    await rm(path.join(dir, "out2"), { recursive: true, force: true });
    await cp(path.join(dir, "policies"), path.join(dir, "bad-policies"), { recursive: true });
    const { writeFile } = await import("node:fs/promises");
    await writeFile(path.join(dir, "bad-policies/teams.yaml"), "require_pat_team: yes please\nteams: []\n");
    const result = await costs(
      "run",
      "--logs",
      "logs",
      "--pricing-dir",
      "pricing",
      "--policies-dir",
      "bad-policies",
      "--out",
      "out2",
      "--no-progress",
    );
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^error: bad-policies\/teams\.yaml:1 require_pat_team: must be true or false/);
    await expect(readdir(path.join(dir, "out2"))).rejects.toThrow(/ENOENT/);
  });
});
