import { beforeAll, describe, expect, it } from "vitest";
import { PRICING_FIXTURE } from "../../test/pricing-fixture.ts";
import { writeTempTree } from "../../test/temp-dir.ts";
import type { Call } from "./call.ts";
import { loadPricing, type PricingBook } from "./load-pricing.ts";
import { formatNano } from "./money.ts";
import { priceCall } from "./price-call.ts";

let book: PricingBook;
beforeAll(async () => {
  const loaded = await loadPricing(await writeTempTree(PRICING_FIXTURE));
  book = loaded.book;
});

const price = (model: string, extra: Partial<Call> = {}) =>
  priceCall(book, { model, timestamp: Date.parse("2026-03-01T12:00:00Z"), input_tokens: 1000, output_tokens: 500, ...extra });
const cost = (p: ReturnType<typeof price>) => (p.cost_nano === null ? null : formatNano(p.cost_nano));

describe("aggregate rows (calls: a usage API's sum of many calls)", () => {
  it("without tiers or per-request charges: the base rates, as for one call", () => {
    expect(cost(price("acme-main/nobatch", { calls: 40 }))).toBe(cost(price("acme-main/nobatch")));
    expect(cost(price("acme-main/nobatch", { calls: 0 }))).toBe("0.010500000");
  });
  it("a per-request charge is paid once per call summed", () => {
    expect(cost(price("acme-main/flat"))).toBe("0.007000000");
    const priced = price("acme-main/flat", { calls: 10 });
    expect(cost(priced)).toBe("0.052000000");
    expect(priced.components.find((c) => c.component === "request")!.quantity).toEqual({ coef: 10n, scale: 0 });
  });
  it("an unknown number of calls under a per-request charge is unpriced", () => {
    const priced = price("acme-main/flat", { calls: 0 });
    expect(priced.price_source).toBe("unpriced");
    expect(priced.unpriced_reason).toMatch(/^aggregate row of an unknown number of calls: .*flat\.yaml.* charges per request \(input_cost_per_request\)/);
    expect(priced.list_unpriced_reason).toBe(priced.unpriced_reason);
  });
  it("prompt-size tiers are never applied to a sum: unpriced with the reason, even below the first tier", () => {
    const priced = price("acme-main/cumul", { calls: 5, input_tokens: 10, output_tokens: 1 });
    expect(priced.cost_nano).toBeNull();
    expect(priced.unpriced_reason).toMatch(/^aggregate row of 5 calls: .*cumul\.yaml.* has prompt-size tiers \(tiered_pricing\.input\), which need each call's prompt size$/);
    // One call of the same size is priced at base.
    expect(cost(price("acme-main/cumul", { input_tokens: 10, output_tokens: 1 }))).toBe("0.000014000");
  });
  it("batch rates are flat (no tiers), so a batch aggregate is priced", () => {
    expect(cost(price("acme-main/cumul", { calls: 0, batch: true }))).toBe("0.001500000");
  });
});
