import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PRICING_FIXTURE } from "../../test/pricing-fixture.ts";
import { writeTempTree } from "../../test/temp-dir.ts";
import { priceFieldsOf } from "../schemas/price-fields.ts";
import { loadPricingOrThrow, type PricingBook } from "./load-pricing.ts";
import { priceDependence } from "./price-dependence.ts";
import { resolveRate } from "./resolve-rate.ts";

let book: PricingBook;
beforeAll(async () => {
  const dir = await writeTempTree(Object.fromEntries(Object.entries(PRICING_FIXTURE).map(([k, v]) => [`pricing/${k}`, v])));
  book = await loadPricingOrThrow(path.join(dir, "pricing"));
});

/** The price fields the price in force for a call of `model` depends on (test/pricing-fixture.ts). */
function dependsOn(model: string, at = "2026-07-15T00:00:00Z", extra: { region?: string; batch?: boolean; service_tier?: string } = {}) {
  const timestamp = Date.parse(at);
  const resolution = resolveRate(book, { model, timestamp, input_tokens: 0, output_tokens: 0, ...extra });
  return priceFieldsOf(priceDependence(book, resolution, model, timestamp));
}

describe("priceDependence", () => {
  it("names the fields whose rates the model's cost entry declares", () => {
    // flat: cache read and write rates, batch rates, one "*" entry, no priority
    expect(dependsOn("acme-main/flat")).toEqual(["cache_read_tokens", "cache_write_tokens", "batch"]);
    expect(dependsOn("acme-main/nobatch")).toEqual([]);
    // cumul: a cache-read rate and batch rates, no cache-write rate
    expect(dependsOn("acme-main/cumul")).toEqual(["cache_read_tokens", "batch"]);
    expect(dependsOn("acme-main/prio")).toEqual(["service_tier"]);
    // cache1h: cache rates, a 1-hour cache-write rate and priority_pricing
    expect(dependsOn("acme-main/cache1h")).toEqual(["cache_read_tokens", "cache_write_tokens", "service_tier", "cache_write_1h_tokens"]);
    expect(dependsOn("acme-main/audio")).toEqual(["input_audio_tokens", "output_audio_tokens"]);
    expect(dependsOn("acme-main/units")).toEqual([
      "input_images",
      "output_images",
      "input_characters",
      "input_seconds",
      "output_seconds",
      "queries",
      "pages",
    ]);
  });

  it("depends on the region when the model has prices for more than one region", () => {
    expect(dependsOn("acme-us/regional")).toEqual(["region"]);
    expect(dependsOn("acme-us/regional-star")).toEqual(["region"]);
    expect(dependsOn("acme-main/defreg")).toEqual(["region"]);
    // priv/ft: a "*" price and an EU annex in force in July 2026; ft-nolist one "*" price
    expect(dependsOn("priv/ft")).toEqual(["region"]);
    expect(dependsOn("priv/ft-nolist")).toEqual([]);
  });

  it("is the same for a batch or priority call (the entry decides, not the call's values)", () => {
    expect(dependsOn("acme-main/flat", undefined, { batch: true })).toEqual(["cache_read_tokens", "cache_write_tokens", "batch"]);
    expect(dependsOn("acme-main/prio", undefined, { service_tier: "priority" })).toEqual(["service_tier"]);
  });

  it("is nothing for an unpriced call", () => {
    expect(dependsOn("mystery/x")).toEqual([]);
    expect(dependsOn("acme-main/nocost")).toEqual([]);
    expect(dependsOn("priv/ft", "2025-06-01T00:00:00Z")).toEqual([]);
  });
});
