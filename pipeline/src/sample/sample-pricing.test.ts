import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Call } from "../pricing/call.ts";
import { loadPricingOrThrow } from "../pricing/load-pricing.ts";
import { parseDecimal } from "../pricing/money.ts";
import { priceCall } from "../pricing/price-call.ts";
import { generateSample } from "./generate-sample.ts";

/**
 * The sample exercises the pricing rules it was made for: priced with the project's
 * pricing/, only the deliberately unpriced rows come out unpriced, and the tiers, both
 * contract periods, priority and batch rates are all reached.
 */
describe("the sample priced with pricing/", async () => {
  const root = path.resolve(import.meta.dirname, "../../..");
  const book = await loadPricingOrThrow(path.join(root, "pricing"));
  const rows = [...generateSample({ rows: 4000, start: "2026-06-16", days: 30 })] as Array<Record<string, any>>;
  const units = ["input_images", "output_images", "input_characters", "input_seconds", "output_seconds", "queries", "pages"] as const;
  const priced = rows.map((row) => {
    const call: Call = { ...(row as Call), timestamp: Date.parse(row.timestamp) };
    for (const unit of units) if (row[unit] !== undefined) call[unit] = parseDecimal(String(row[unit]));
    return { row, result: priceCall(book, call) };
  });

  it("prices every row except those on undeclared models and in a region Nova Lite has no price for", () => {
    const unpriced = priced.filter((p) => p.result.price_source === "unpriced");
    const expected = rows.filter((r) => ["openai-main/gpt-5-preview", "mystery/model-x"].includes(r.model) || r.region === "sa-east-1");
    expect(unpriced.map((p) => p.row)).toEqual(expected);
    expect(unpriced.every((p) => p.result.unpriced_reason !== null && p.result.cost_nano === null)).toBe(true);
  });

  it("reaches the long-context tiers, but not at exactly 200,000 tokens", () => {
    const tier = (test: (r: Record<string, any>) => boolean) => new Set(priced.filter((p) => test(p.row)).map((p) => p.result.tier));
    expect(tier((r) => r.model === "gemini/gemini-2.5-pro" && r.input_tokens > 200_000 && !r.batch)).toEqual(new Set(["from 200000"]));
    expect(tier((r) => r.model === "anthropic-main/claude-sonnet-4-5" && r.input_tokens > 200_000 && !r.batch)).toEqual(
      new Set(["from 200000"]),
    );
    expect(tier((r) => r.model === "gemini/gemini-2.5-pro" && r.input_tokens === 200_000)).toEqual(new Set(["base"]));
  });

  it("uses both periods of the support-bot-ft contract", () => {
    const refs = new Set(
      priced
        .filter((p) => p.row.model === "azure-ft/support-bot-ft" && p.result.cost_nano !== null)
        .map((p) => path.relative(root, p.result.price_ref!)),
    );
    expect(refs).toEqual(new Set(["pricing/private/azure-ft.yaml#prices[0]", "pricing/private/azure-ft.yaml#prices[1]"]));
  });

  it("prices priority and batch calls at their own rates", () => {
    const rateFields = (test: (r: Record<string, any>) => boolean) =>
      new Set(
        priced
          .filter((p) => test(p.row) && p.row.status_code === 200)
          .flatMap((p) => p.result.components.flatMap((c) => c.brackets.map((b) => b.rate_field))),
      );
    expect(rateFields((r) => r.model === "openai-main/gpt-4.1" && r.service_tier === "priority")).toContain(
      "priority_pricing.input_cost_per_token",
    );
    expect(rateFields((r) => r.model === "openai-main/gpt-4o-mini" && r.batch)).toContain("input_cost_per_token_batches");
  });
});
