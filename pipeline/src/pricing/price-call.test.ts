import { beforeAll, describe, expect, it } from "vitest";
import { PRICING_FIXTURE } from "../../test/pricing-fixture.ts";
import { writeTempTree } from "../../test/temp-dir.ts";
import { InvalidCallError, type Call } from "./call.ts";
import { loadPricing, type PricingBook } from "./load-pricing.ts";
import { formatNano, parseDecimal } from "./money.ts";
import { priceCall, type PricedCall } from "./price-call.ts";

let book: PricingBook;
beforeAll(async () => {
  const dir = await writeTempTree(PRICING_FIXTURE);
  const loaded = await loadPricing(dir);
  expect(loaded.problems.filter((p) => p.severity !== "warning")).toEqual([]);
  book = loaded.book;
});

const AT = "2026-03-01T12:00:00Z";

interface Case {
  name: string;
  call: Partial<Call> & { model: string; at?: string };
  /** Expected row cost as a decimal string; null = unpriced. */
  cost: string | null;
  components?: Record<string, string>;
  list?: string | null;
  source?: "public" | "private" | "unpriced";
  tier?: string | null;
  mode?: string | null;
  regionEntry?: string | null;
  region?: string | null;
  ref?: RegExp;
  reason?: RegExp;
  note?: RegExp;
}

function price(c: Case["call"]): PricedCall {
  const { at, ...rest } = c;
  return priceCall(book, {
    input_tokens: 0,
    output_tokens: 0,
    ...rest,
    timestamp: Date.parse(at ?? AT),
  } as Call);
}

function check(c: Case) {
  const priced = price(c.call);
  expect(priced.cost_nano === null ? null : formatNano(priced.cost_nano), "cost_usd").toBe(c.cost);
  if (c.cost === null) expect(priced.price_source).toBe("unpriced");
  if (c.source) expect(priced.price_source).toBe(c.source);
  if (c.components) {
    const got = Object.fromEntries(priced.components.map((x) => [x.component, formatNano(x.cost_nano)]));
    expect(got).toEqual(c.components);
  }
  if (c.list !== undefined) expect(priced.list_cost_nano === null ? null : formatNano(priced.list_cost_nano)).toBe(c.list);
  if (c.tier !== undefined) expect(priced.tier).toBe(c.tier);
  if (c.mode !== undefined) expect(priced.pricing_mode).toBe(c.mode);
  if (c.regionEntry !== undefined) expect(priced.region_entry).toBe(c.regionEntry);
  if (c.region !== undefined) expect(priced.region).toBe(c.region);
  if (c.ref) expect(priced.price_ref).toMatch(c.ref);
  if (c.reason) expect(priced.unpriced_reason).toMatch(c.reason);
  if (c.note) expect(priced.notes.join("\n")).toMatch(c.note);
  // Whatever the rule, the row cost is the sum of its rounded components.
  if (priced.cost_nano !== null) {
    expect(priced.components.reduce((sum, x) => sum + x.cost_nano, 0n)).toBe(priced.cost_nano);
  }
}

const table = (cases: Case[]) => it.each(cases.map((c) => [c.name, c] as const))("%s", (_, c) => check(c));

describe("step 1: account and model resolution", () => {
  table([
    {
      name: "public model priced from its catalog entry; list cost equals cost",
      call: { model: "acme-main/flat", input_tokens: 1000, output_tokens: 500 },
      cost: "0.007000000",
      components: { input: "0.001000000", output: "0.001000000", request: "0.005000000" },
      list: "0.007000000",
      source: "public",
      ref: /acme\/flat\.yaml#costs$/,
    },
    {
      name: "gateway name differs from the catalog id (provider_model)",
      call: { model: "acme-main/alias", input_tokens: 1000, output_tokens: 500 },
      cost: "0.007000000",
    },
    { name: "unknown account", call: { model: "nobody/flat", input_tokens: 1 }, cost: null, reason: /unknown provider account `nobody`/ },
    { name: "model not declared in the account", call: { model: "acme-main/ghost", input_tokens: 1 }, cost: null, reason: /`ghost` is not declared in account `acme-main`/ },
    { name: "model name without account", call: { model: "flat", input_tokens: 1 }, cost: null, reason: /not of the form/ },
    { name: "catalog model without costs", call: { model: "acme-main/nocost", input_tokens: 1 }, cost: null, reason: /has no costs/ },
    {
      name: "tokens with no rate for them are unpriced, never 0",
      call: { model: "acme-main/embed", input_tokens: 100, output_tokens: 5 },
      cost: null,
      reason: /no output_cost_per_token for 5 output tokens/,
    },
    {
      name: "a rate missing for a component with no tokens does not matter",
      call: { model: "acme-main/embed", input_tokens: 100 },
      cost: "0.000002000",
    },
  ]);
});

describe("step 2: region", () => {
  table([
    {
      name: "account region with its own entry",
      call: { model: "acme-us/regional", input_tokens: 1000, output_tokens: 1000 },
      cost: "0.000300000",
      region: "us-east-1",
      regionEntry: "us-east-1",
    },
    {
      name: "row region overrides the account region",
      call: { model: "acme-us/regional", region: "eu-west-1", input_tokens: 1000, output_tokens: 1000 },
      cost: "0.000345000",
      regionEntry: "eu-west-1",
    },
    {
      name: "region with no entry and no '*' is unpriced (no silent fallback)",
      call: { model: "acme-us/regional", region: "ap-south-1", input_tokens: 1000, output_tokens: 1000 },
      cost: null,
      reason: /no cost entry for region `ap-south-1` and no "\*" entry \(regions: us-east-1, eu-west-1\)/,
    },
    {
      name: "region without its own entry falls back to '*'",
      call: { model: "acme-us/regional-star", input_tokens: 1000, output_tokens: 1000 },
      cost: "0.004000000",
      region: "us-east-1",
      regionEntry: "*",
      ref: /regional-star\.yaml#costs\[0\]$/,
    },
    {
      name: "region with its own entry beats '*'",
      call: { model: "acme-us/regional-star", region: "eu-west-1", input_tokens: 1000, output_tokens: 1000 },
      cost: "0.004600000",
      regionEntry: "eu-west-1",
      ref: /regional-star\.yaml#costs\[1\]$/,
    },
    {
      name: "no row or account region: the catalog defaultRegion",
      call: { model: "acme-main/defreg", input_tokens: 1000 },
      cost: "0.000100000",
      region: "eu-west-1",
      regionEntry: "eu-west-1",
    },
    {
      name: "row region beats defaultRegion",
      call: { model: "acme-main/defreg", region: "us-east-1", input_tokens: 1000 },
      cost: "0.000200000",
      regionEntry: "*",
    },
    {
      name: "a v1 map is one '*' entry whatever the region",
      call: { model: "acme-main/nobatch", region: "mars-1", input_tokens: 1000 },
      cost: "0.003000000",
      regionEntry: "*",
    },
  ]);
});

describe("step 1: private prices by effective period", () => {
  table([
    {
      name: "before the first period: unpriced",
      call: { model: "priv/ft", at: "2025-12-31T23:59:59Z", input_tokens: 1000, output_tokens: 1000 },
      cost: null,
      reason: /no private price for priv\/ft in force at 2025-12-31T23:59:59.000Z \(periods: 2026-01-01 → 2026-07-01, 2026-01-01 → open, 2026-07-01 → open\)/,
      list: "0.008000000",
    },
    {
      name: "effective_from is inclusive",
      call: { model: "priv/ft", at: "2026-01-01T00:00:00Z", input_tokens: 1000, output_tokens: 1000 },
      cost: "0.010000000",
      source: "private",
      list: "0.008000000",
      ref: /contract\.yaml#prices\[0\]$/,
    },
    {
      name: "last millisecond before effective_to",
      call: { model: "priv/ft", at: "2026-06-30T23:59:59.999Z", input_tokens: 1000, output_tokens: 1000 },
      cost: "0.010000000",
    },
    {
      name: "effective_to is exclusive: the next period starts",
      call: { model: "priv/ft", at: "2026-07-01T00:00:00Z", input_tokens: 1000, output_tokens: 1000 },
      cost: "0.009000000",
      ref: /contract\.yaml#prices\[1\]$/,
    },
    {
      name: "a timestamp offset is converted to UTC (01:00+02:00 is still June)",
      call: { model: "priv/ft", at: "2026-07-01T01:00:00+02:00", input_tokens: 1000, output_tokens: 1000 },
      cost: "0.010000000",
    },
    {
      name: "a regional private price wins over '*'",
      call: { model: "priv/ft", region: "eu-west-1", input_tokens: 1000, output_tokens: 1000 },
      cost: "0.010500000",
      ref: /contract\.yaml#prices\[2\]$/,
    },
    {
      name: "private model without provider_model has no list cost",
      call: { model: "priv/ft-nolist", input_tokens: 1000 },
      cost: "0.001000000",
      list: null,
    },
  ]);
});

describe("step 3: batch and priority", () => {
  table([
    {
      name: "batch with batch rates",
      call: { model: "acme-main/flat", batch: true, input_tokens: 1000, output_tokens: 500 },
      cost: "0.006000000",
      components: { input: "0.000500000", output: "0.000500000", request: "0.005000000" },
    },
    {
      name: "batch without batch rates: standard rates, with a note",
      call: { model: "acme-main/nobatch", batch: true, input_tokens: 1000, output_tokens: 100 },
      cost: "0.004500000",
      note: /no \*_batches rates/,
    },
    {
      name: "batch with batch rates ignores tiers (flat batch rates)",
      call: { model: "acme-main/cumul", batch: true, input_tokens: 6000, output_tokens: 100 },
      cost: "0.003200000",
      tier: null,
    },
    {
      name: "priority overlay replaces rates",
      call: { model: "acme-main/prio", service_tier: "priority", input_tokens: 500, output_tokens: 100 },
      cost: "0.003150000",
    },
    {
      name: "priority tiered_pricing replaces the base tiers",
      call: { model: "acme-main/prio", service_tier: "priority", input_tokens: 2000, output_tokens: 100 },
      cost: "0.015400000",
      tier: "from 1000",
    },
    {
      name: "standard call on the same entry uses the base tiers",
      call: { model: "acme-main/prio", input_tokens: 2000, output_tokens: 100 },
      cost: "0.008800000",
    },
    {
      name: "priority without tiered_pricing keeps the base tiers",
      call: { model: "acme-main/prio-notiers", service_tier: "priority", input_tokens: 2000, output_tokens: 100 },
      cost: "0.009400000",
    },
    {
      name: "priority on an entry without priority_pricing: standard rates, with a note",
      call: { model: "acme-main/nobatch", service_tier: "priority", input_tokens: 1000 },
      cost: "0.003000000",
      note: /no priority_pricing/,
    },
  ]);
});

describe("step 3–4: cache and audio splits", () => {
  table([
    {
      name: "cache read and write with their own rates",
      call: { model: "acme-main/flat", input_tokens: 1000, cache_read_tokens: 400, cache_write_tokens: 100 },
      cost: "0.005665000",
      components: { input: "0.000500000", cache_read: "0.000040000", cache_write: "0.000125000", request: "0.005000000" },
    },
    {
      name: "cache read and write without their own rates use the input rate",
      call: { model: "acme-main/nobatch", input_tokens: 1000, cache_read_tokens: 400, cache_write_tokens: 100, output_tokens: 10 },
      cost: "0.003150000",
      components: { input: "0.001500000", cache_read: "0.001200000", cache_write: "0.000300000", output: "0.000150000" },
    },
    {
      name: "audio tokens with audio rates are split out of the text counts",
      call: { model: "acme-main/audio", input_tokens: 1000, input_audio_tokens: 200, output_tokens: 500, output_audio_tokens: 100 },
      cost: "0.022000000",
      components: { input: "0.002000000", input_audio: "0.008000000", output: "0.004000000", output_audio: "0.008000000" },
    },
    {
      name: "audio tokens without an audio rate stay in the text count",
      call: { model: "acme-main/flat", input_tokens: 1000, input_audio_tokens: 200 },
      cost: "0.006000000",
      components: { input: "0.001000000", request: "0.005000000" },
    },
  ]);

  // 1-hour cache writes (Anthropic: 2× input, 5-minute writes 1.25×); cache1h has Sonnet's rates.
  table([
    {
      name: "5-minute and 1-hour cache writes each at their own rate",
      call: { model: "acme-main/cache1h", input_tokens: 10_000, cache_read_tokens: 2000, cache_write_tokens: 3000, cache_write_1h_tokens: 1000, output_tokens: 500 },
      // 5000 × 3e-6 + 2000 × 3e-7 + 2000 × 3.75e-6 + 1000 × 6e-6 + 500 × 1.5e-5
      cost: "0.036600000",
      components: { input: "0.015000000", cache_read: "0.000600000", cache_write: "0.007500000", cache_write_1h: "0.006000000", output: "0.007500000" },
      list: "0.036600000",
    },
    {
      name: "only 1-hour writes: no 5-minute component",
      call: { model: "acme-main/cache1h", input_tokens: 1000, cache_write_tokens: 1000, cache_write_1h_tokens: 1000 },
      cost: "0.006000000",
      components: { cache_write_1h: "0.006000000" },
    },
    {
      name: "priority_pricing overlays the 1-hour rate",
      call: { model: "acme-main/cache1h", input_tokens: 1000, cache_write_tokens: 1000, cache_write_1h_tokens: 1000, service_tier: "priority" },
      cost: "0.007500000",
      components: { cache_write_1h: "0.007500000" },
    },
    {
      name: "1-hour writes on a price without a 1-hour rate: at the cache-write rate, with a note",
      call: { model: "acme-main/flat", input_tokens: 1000, cache_write_tokens: 100, cache_write_1h_tokens: 40 },
      // 900 × 1e-6 + 100 × 1.25e-6 + 0.005
      cost: "0.006025000",
      components: { input: "0.000900000", cache_write: "0.000125000", request: "0.005000000" },
      note: /40 1-hour cache write tokens priced at the 5-minute cache-write rate: .*flat\.yaml#costs has no cache_creation_input_token_cost_above_1hr/,
    },
  ]);

  it("names the 1-hour rate in the brackets and rejects 1-hour writes above the cache writes", () => {
    const priced = price({ model: "acme-main/cache1h", input_tokens: 100, cache_write_tokens: 10, cache_write_1h_tokens: 4 });
    expect(priced.components.find((c) => c.component === "cache_write_1h")?.brackets.map((b) => b.rate_field)).toEqual([
      "cache_creation_input_token_cost_above_1hr",
    ]);
    expect(priced.notes).toEqual([]);
    expect(() => price({ model: "acme-main/cache1h", input_tokens: 100, cache_write_tokens: 10, cache_write_1h_tokens: 11 })).toThrow(
      /cache_write_1h_tokens \(11\) exceed cache_write_tokens \(10\)/,
    );
  });

  it("rejects cache tokens above input tokens", () => {
    expect(() => price({ model: "acme-main/flat", input_tokens: 100, cache_read_tokens: 80, cache_write_tokens: 30 })).toThrow(
      InvalidCallError,
    );
    expect(() => price({ model: "acme-main/flat", input_tokens: 100, cache_read_tokens: 101 })).toThrow(/exceed input_tokens \(100\)/);
  });

  it("rejects negative and fractional token counts and audio above its total", () => {
    expect(() => price({ model: "acme-main/flat", input_tokens: -1 })).toThrow(/input_tokens must be a whole number/);
    expect(() => price({ model: "acme-main/flat", input_tokens: 1.5 })).toThrow(/input_tokens must be a whole number/);
    expect(() => price({ model: "acme-main/audio", output_tokens: 5, output_audio_tokens: 6 })).toThrow(/output_audio_tokens/);
    expect(() => price({ model: "acme-main/audio", input_tokens: 10, cache_read_tokens: 5, input_audio_tokens: 6 })).toThrow(
      /input_audio_tokens \(6\) exceed the uncached input tokens \(5\)/,
    );
  });
});

describe("step 5: tiers", () => {
  table([
    {
      name: "cumulative (pricing_mode absent): prompt exactly at `from` stays on base rates",
      call: { model: "acme-main/cumul", input_tokens: 1000, output_tokens: 100 },
      cost: "0.001400000",
      tier: "base",
      mode: "cumulative",
    },
    {
      name: "cumulative: prompt at from + 1 prices every token at the tier rate",
      call: { model: "acme-main/cumul", input_tokens: 1001, output_tokens: 100 },
      cost: "0.002502000",
      components: { input: "0.002002000", output: "0.000500000" },
      tier: "from 1000",
    },
    {
      name: "cumulative: exactly at the second `from` uses the first tier",
      call: { model: "acme-main/cumul", input_tokens: 5000, output_tokens: 100 },
      cost: "0.010500000",
      tier: "from 1000",
    },
    {
      name: "cumulative: above the second `from` uses the highest tier",
      call: { model: "acme-main/cumul", input_tokens: 5001, output_tokens: 100 },
      cost: "0.015603000",
      tier: "from 5000",
    },
    {
      name: "cumulative: the prompt size (all input) picks the tier; cache without own tiers/rate follow the input",
      call: { model: "acme-main/cumul", input_tokens: 2000, cache_read_tokens: 500, cache_write_tokens: 500 },
      cost: "0.003050000",
      components: { input: "0.002000000", cache_read: "0.000050000", cache_write: "0.001000000" },
    },
    {
      name: "marginal: exactly at `from` is all base",
      call: { model: "acme-main/marg", input_tokens: 1000, output_tokens: 50 },
      cost: "0.001200000",
      tier: "base",
      mode: "marginal",
    },
    {
      name: "marginal: from + 1 puts one token in the tier",
      call: { model: "acme-main/marg", input_tokens: 1001, output_tokens: 50 },
      cost: "0.001202000",
      tier: "from 1000",
    },
    {
      name: "marginal: two tiers like tax brackets",
      call: { model: "acme-main/marg", input_tokens: 6000, output_tokens: 200 },
      cost: "0.012900000",
      components: { input: "0.012000000", output: "0.000900000" },
      tier: "from 5000",
    },
    {
      name: "marginal: brackets run on the uncached input count",
      call: { model: "acme-main/marg", input_tokens: 3000, cache_read_tokens: 1000 },
      cost: "0.004000000",
      components: { input: "0.003000000", cache_read: "0.001000000" },
    },
  ]);

  it("explains marginal brackets with their rate fields", () => {
    const priced = price({ model: "acme-main/marg", input_tokens: 6000 });
    const input = priced.components.find((c) => c.component === "input")!;
    expect(input.brackets.map((b) => [b.quantity.coef, b.rate_field, b.tier])).toEqual([
      [1000n, "input_cost_per_token", "base"],
      [4000n, "tiered_pricing.input[0].cost_per_token", "from 1000"],
      [1000n, "tiered_pricing.input[1].cost_per_token", "from 5000"],
    ]);
  });
});

describe("step 6: non-token units and rounding", () => {
  const units = (field: string, value: string) => ({ model: "acme-main/units", [field]: parseDecimal(value) });
  table([
    { name: "per request only", call: { model: "acme-main/units" }, cost: "0.005000000" },
    { name: "input images", call: units("input_images", "3"), cost: "0.011000000", components: { request: "0.005000000", input_image: "0.006000000" } },
    { name: "output images", call: units("output_images", "2"), cost: "0.085000000" },
    { name: "input characters", call: units("input_characters", "1000"), cost: "0.020000000" },
    { name: "input seconds (fractional)", call: units("input_seconds", "12.5"), cost: "0.006250000" },
    { name: "output seconds", call: units("output_seconds", "10"), cost: "0.007000000" },
    { name: "queries", call: units("queries", "4"), cost: "0.013000000" },
    { name: "pages", call: units("pages", "7"), cost: "0.012000000" },
    {
      name: "a unit without a rate is not charged separately, and says so",
      call: { model: "acme-main/flat", input_tokens: 10, input_images: parseDecimal("2") },
      cost: "0.005010000",
      note: /input_images not charged separately: .*has no input_cost_per_image/,
    },
    { name: "half to even: 0.75 nano rounds up", call: { model: "acme-main/halfeven", input_tokens: 5 }, cost: "0.000000001" },
    { name: "half to even: 0.45 nano rounds down", call: { model: "acme-main/halfeven", input_tokens: 3 }, cost: "0.000000000" },
    { name: "half to even: 1.5 nano rounds to 2", call: { model: "acme-main/halfeven", input_tokens: 10 }, cost: "0.000000002" },
    { name: "half to even: 4.5 nano rounds to 4", call: { model: "acme-main/halfeven", input_tokens: 30 }, cost: "0.000000004" },
    { name: "half to even: 7.5 nano rounds to 8", call: { model: "acme-main/halfeven", input_tokens: 50 }, cost: "0.000000008" },
    {
      name: "row cost is the sum of rounded components (1.5 + 1.5 nano → 2 + 2)",
      call: { model: "acme-main/halfeven", input_tokens: 10, output_tokens: 10 },
      cost: "0.000000004",
      components: { input: "0.000000002", output: "0.000000002" },
    },
  ]);
});
