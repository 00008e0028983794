import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { writeTempTree } from "../../test/temp-dir.ts";
import { PipelineError } from "../lib/errors.ts";
import { loadPricingOrThrow, type PricingBook } from "../pricing/load-pricing.ts";
import { formatDecimal, parseDecimal } from "../pricing/money.ts";
import { readParquet } from "../parquet/read-parquet.ts";
import { EXPORT_PRICING } from "./__fixtures__/export-pricing.ts";
import { buildRateTable, type RateRow } from "./build-rate-table.ts";
import { toRateColumns } from "./to-rate-columns.ts";
import { writeRates } from "./write-rates.ts";

let root: string;
let book: PricingBook;
let table: RateRow[];
beforeAll(async () => {
  root = await writeTempTree(Object.fromEntries(Object.entries(EXPORT_PRICING).map(([name, text]) => [`pricing/${name}`, text])));
  book = await loadPricingOrThrow(path.join(root, "pricing"));
  table = buildRateTable(book, root);
});

/** A component's rates in one variant of the model's "*" entry, as `from→to mode rate field` lines. */
function rates(model: string, variant: string, component: string, appliesTo = "cost"): string[] {
  return table
    .filter(
      (r) =>
        r.kind === "rate" &&
        r.model === model &&
        r.region === "*" &&
        r.variant === variant &&
        r.component === component &&
        r.applies_to === appliesTo,
    )
    .map((r) => `${r.tier_from ?? "base"}→${r.tier_to ?? "∞"} ${r.pricing_mode ?? "flat"} ${formatDecimal(r.rate!)} ${r.rate_field}`);
}

describe("buildRateTable: the rates a call of each variant is priced at", () => {
  it.each([
    {
      name: "cumulative tiers: the base rate up to the first threshold, each tier up to the next",
      args: ["acme-main/cumul", "standard", "input"],
      want: [
        "base→1000 cumulative 0.000001 input_cost_per_token",
        "1000→5000 cumulative 0.000002 tiered_pricing.input[0].cost_per_token",
        "5000→∞ cumulative 0.000003 tiered_pricing.input[1].cost_per_token",
      ],
    },
    {
      name: "a batch call with batch rates is flat: no tiers",
      args: ["acme-main/cumul", "batch", "input"],
      want: ["base→∞ flat 0.0000005 input_cost_per_token_batches"],
    },
    {
      name: "a batch call with batch rates: cache without its own rate uses the batch input rate, flat",
      args: ["acme-main/cumul", "batch", "cache_write"],
      want: ["base→∞ flat 0.0000005 input_cost_per_token_batches"],
    },
    {
      name: "a batch call without batch rates is priced like a standard one",
      args: ["acme-main/nobatch", "batch", "input"],
      want: ["base→∞ flat 0.000003 input_cost_per_token"],
    },
    {
      name: "cache read with its own rate and no tiers of its own is flat",
      args: ["acme-main/cumul", "standard", "cache_read"],
      want: ["base→∞ flat 0.0000001 cache_read_input_token_cost"],
    },
    {
      name: "cache write without its own rate borrows the input rate and tiers",
      args: ["acme-main/cumul", "standard", "cache_write"],
      want: [
        "base→1000 cumulative 0.000001 input_cost_per_token",
        "1000→5000 cumulative 0.000002 tiered_pricing.input[0].cost_per_token",
        "5000→∞ cumulative 0.000003 tiered_pricing.input[1].cost_per_token",
      ],
    },
    {
      name: "cache write with its own rate and tiers of its own",
      args: ["extra/cachetiers", "standard", "cache_write"],
      want: [
        "base→50 cumulative 0.0000015 cache_creation_input_token_cost",
        "50→∞ cumulative 0.000005 tiered_pricing.cache_write[0].cost_per_token",
      ],
    },
    {
      name: "marginal tiers keep their mode",
      args: ["acme-main/marg", "standard", "output"],
      want: ["base→100 marginal 0.000004 output_cost_per_token", "100→∞ marginal 0.000005 tiered_pricing.output[0].cost_per_token"],
    },
    {
      name: "priority: priority_pricing rates and its own tiers",
      args: ["acme-main/prio", "priority", "input"],
      want: [
        "base→1000 cumulative 0.0000035 priority_pricing.input_cost_per_token",
        "1000→∞ cumulative 0.000007 priority_pricing.tiered_pricing.input[0].cost_per_token",
      ],
    },
    {
      name: "priority without tiers of its own keeps the base tiers",
      args: ["acme-main/prio-notiers", "priority", "input"],
      want: [
        "base→1000 cumulative 0.0000035 priority_pricing.input_cost_per_token",
        "1000→∞ cumulative 0.000004 tiered_pricing.input[0].cost_per_token",
      ],
    },
    {
      name: "priority on an entry without priority_pricing: the standard rates",
      args: ["acme-main/flat", "priority", "output"],
      want: ["base→∞ flat 0.000002 output_cost_per_token"],
    },
    {
      name: "a private price's priority overlay, batch after priority",
      args: ["priv_eu/contract", "priority_batch", "output"],
      want: ["base→∞ flat 0.0000022 output_cost_per_token_batches"],
    },
    {
      name: "audio under priority: the priority audio rate",
      args: ["extra/voice", "priority", "output_audio"],
      want: ["base→∞ flat 0.00015 priority_pricing.output_cost_per_audio_token"],
    },
    {
      name: "no audio rate: no audio row (audio tokens stay text tokens)",
      args: ["extra/voice", "standard", "output_audio"],
      want: [],
    },
    {
      name: "a rate with 23 decimals, exact",
      args: ["extra/deep", "standard", "output"],
      want: ["base→∞ flat 0.000009999990000000002 output_cost_per_token"],
    },
    {
      name: "the list price of a private model: the catalog entry of its provider_model",
      args: ["priv/ft", "standard", "input", "list"],
      want: ["base→∞ flat 0.000001 input_cost_per_token"],
    },
  ])("$name", ({ args, want }) => {
    expect(rates(...(args as [string, string, string, string?]))).toEqual(want);
  });

  it("non-token units and the request fee are flat, one row each", () => {
    const units = table.filter((r) => r.kind === "rate" && r.model === "acme-main/units" && r.variant === "standard");
    expect(units.map((r) => `${r.component} ${formatDecimal(r.rate!)} ${r.rate_field}`)).toEqual([
      "request 0.005 input_cost_per_request",
      "input_image 0.002 input_cost_per_image",
      "output_image 0.04 output_cost_per_image",
      "input_character 0.000015 input_cost_per_character",
      "input_second 0.0001 input_cost_per_second",
      "output_second 0.0002 output_cost_per_second",
      "query 0.002 input_cost_per_query",
      "page 0.001 input_cost_per_page",
    ]);
  });

  it("private periods: UTC instants, inclusive from, exclusive to, per region; list entries beside them", () => {
    const entries = table
      .filter((r) => r.kind === "entry" && r.model === "priv/ft")
      .map((r) => [
        r.applies_to,
        r.price_source,
        r.region,
        r.effective_from === null ? null : new Date(r.effective_from).toISOString(),
        r.effective_to === null ? null : new Date(r.effective_to).toISOString(),
        r.price_ref,
        r.source,
      ]);
    expect(entries).toEqual([
      [
        "cost",
        "private",
        "*",
        "2026-01-01T00:00:00.000Z",
        "2026-07-01T00:00:00.000Z",
        "pricing/private/contract.yaml#prices[0]",
        "MSA 2026, amendment 2",
      ],
      ["cost", "private", "eu-west-1", "2026-01-01T00:00:00.000Z", null, "pricing/private/contract.yaml#prices[2]", "MSA 2026, EU annex"],
      ["cost", "private", "*", "2026-07-01T00:00:00.000Z", null, "pricing/private/contract.yaml#prices[1]", "MSA 2026, amendment 3"],
      ["list", "public", "*", null, null, "pricing/catalog/providers/acme/flat.yaml#costs", null],
    ]);
    expect(
      table.filter((r) => r.kind === "entry" && r.model === "priv_eu/contract").map((r) => [r.applies_to, r.region, r.default_region]),
    ).toEqual([
      ["cost", "*", "eu-west-1"],
      ["cost", "us-east-1", "eu-west-1"],
      ["list", "us-east-1", "eu-west-1"],
      ["list", "eu-west-1", "eu-west-1"],
    ]);
  });

  it("accounts and models, with the region a row without one is priced in", () => {
    const models = Object.fromEntries(
      table
        .filter((r) => r.kind === "model")
        .map((r) => [r.model, [r.provider_account, r.provider, r.provider_model, r.price_source, r.default_region]]),
    );
    expect(models["acme-us/regional"]).toEqual(["acme-us", "acme", "regional", "public", "us-east-1"]);
    expect(models["acme-main/defreg"]).toEqual(["acme-main", "acme", "defreg", "public", "eu-west-1"]);
    expect(models["acme-main/alias"]).toEqual(["acme-main", "acme", "flat", "public", null]);
    expect(models["priv/ft-nolist"]).toEqual(["priv", "acme", null, "private", null]);
    // declared but without any price: a model row, no entries, so its calls are unpriced
    expect(models["priv_eu/nothing-yet"]).toEqual(["priv_eu", "acme", "regional-star", "private", "eu-west-1"]);
    expect(table.filter((r) => r.model === "acme-main/nocost").map((r) => r.kind)).toEqual(["model"]);
    expect(table.filter((r) => r.kind === "account").map((r) => [r.provider_account, r.default_region])).toEqual([
      ["acme-main", null],
      ["acme-us", "us-east-1"],
      ["extra", null],
      ["priv", null],
      ["priv_eu", "eu-west-1"],
    ]);
  });

  it('an entry without any rate still has its entry row (it shadows the "*" entry for its region)', () => {
    expect(table.filter((r) => r.model === "extra/deep" && r.region === "ap-south-1").map((r) => r.kind)).toEqual(["entry"]);
  });
});

describe("rates.parquet", () => {
  it("holds every rate exactly as DECIMAL(38,24), read back by hyparquet", async () => {
    const written = await writeRates(book, path.join(root, "export"), "test");
    expect(written.counts).toEqual({
      accounts: 5,
      models: table.filter((r) => r.kind === "model").length,
      entries: table.filter((r) => r.kind === "entry").length,
      rates: table.filter((r) => r.kind === "rate").length,
    });
    const { rowCount, columns } = await readParquet(path.join(root, "export", "rates.parquet"));
    expect(rowCount).toBe(table.length);
    const deep = table.findIndex((r) => r.model === "extra/deep" && r.rate_field === "input_cost_per_token" && r.variant === "standard");
    expect(columns.rate![deep]).toBe(300019999999999960n); // 0.00000030001999999999996 × 10^24
    expect(columns.effective_from!.filter((v) => v !== null)).toContain(Date.parse("2026-02-01T12:00:00Z"));
  });

  it("refuses a rate it cannot store exactly, naming the file and field", () => {
    const row = table.find((r) => r.kind === "rate")!;
    const tooFine = {
      ...row,
      rate: parseDecimal("1e-25"),
      price_ref: "pricing/catalog/providers/acme/x.yaml#costs",
      rate_field: "input_cost_per_token",
    };
    const tooLarge = {
      ...row,
      rate: parseDecimal("1e14"),
      price_ref: "pricing/private/big.yaml#prices[0]",
      rate_field: "input_cost_per_page",
    };
    expect(() => toRateColumns([tooFine])).toThrow(PipelineError);
    try {
      toRateColumns([row, tooFine, tooLarge]);
    } catch (error) {
      expect((error as PipelineError).problems.map((p) => `${p.file} ${p.field}: ${p.message}`)).toEqual([
        "pricing/catalog/providers/acme/x.yaml costs.input_cost_per_token: rate 0.0000000000000000000000001 does not fit DECIMAL(38,24) exactly",
        "pricing/private/big.yaml prices[0].input_cost_per_page: rate 100000000000000 does not fit DECIMAL(38,24) exactly",
      ]);
    }
  });
});
