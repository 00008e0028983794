import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PRICING_FIXTURE } from "../../../test/pricing-fixture.ts";
import { writeTempTree } from "../../../test/temp-dir.ts";
import { loadPricingOrThrow, type PricingBook } from "../../pricing/load-pricing.ts";
import { logRow } from "../../engine/__fixtures__/processor.ts";
import type { LogRow } from "../../schemas/log-row.ts";
import { createRowPricer, priceRow } from "./index.ts";

let book: PricingBook;
let base: string;
beforeAll(async () => {
  const dir = await writeTempTree(PRICING_FIXTURE);
  book = await loadPricingOrThrow(dir);
  base = path.dirname(dir);
});

/** A call of `acme-main/flat` on 2026-07-01: 2,000 input and 100 output tokens, status 200, no subject. */
const row = (over: Partial<LogRow>): LogRow =>
  logRow({
    request_id: "r1",
    timestamp: Date.UTC(2026, 6, 1),
    model: "acme-main/flat",
    subject_type: null,
    subject: null,
    input_tokens: 2000,
    output_tokens: 100,
    status_code: 200,
    ...over,
  });

describe("pricing a gateway cache hit", () => {
  it("costs what the gateway reported, not the catalog's 0.0072, with the same list cost and no components", () => {
    const priced = createRowPricer(book, base)(row({ gateway_cache_hit: true, reported_cost_usd: "0.00012" }));
    expect(priced).toMatchObject({
      price_source: "gateway_cache",
      cost_nano: 120_000n,
      list_cost_nano: 120_000n,
      price_ref: null,
      tier: null,
      unpriced_reason: null,
      provider_account: "acme-main",
      provider_model: "flat",
      depends: 0,
    });
    expect(Object.values((priced as { components: object }).components).every((c) => c === null)).toBe(true);
    // The same call without the cache hit is priced from the catalog: 2000 × 1e-6 + 100 × 2e-6 + 0.005.
    expect(createRowPricer(book, base)(row({ reported_cost_usd: "0.00012" }))).toMatchObject({
      price_source: "public",
      cost_nano: 7_200_000n,
    });
  });

  it("costs 0 when the gateway reported no cost", () => {
    expect(priceRow(book, row({ gateway_cache_hit: true }), base)).toMatchObject({
      price_source: "gateway_cache",
      cost_nano: 0n,
      list_cost_nano: 0n,
    });
  });

  it("is a gateway cache hit even for a model the pricing does not know, attributed to what resolves", () => {
    expect(priceRow(book, row({ gateway_cache_hit: true, model: "mystery/x", reported_cost_usd: "0" }), base)).toMatchObject({
      price_source: "gateway_cache",
      cost_nano: 0n,
      provider_account: null,
      unpriced_reason: null,
    });
    expect(priceRow(book, row({ gateway_cache_hit: true, model: "acme-us/regional" }), base)).toMatchObject({
      region: "us-east-1",
      provider: "acme",
    });
  });
});
