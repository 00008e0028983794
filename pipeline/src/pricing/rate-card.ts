import type { CostFields, RateField, TierComponent, TieredPricing } from "../schemas/cost-fields.schema.ts";
import { RATE_FIELDS, TIER_COMPONENTS } from "../schemas/cost-fields.schema.ts";
import { parseDecimal, type Decimal } from "./money.ts";

/** One tier threshold: above `from` prompt tokens, `rate` per token. */
export interface Tier {
  from: number;
  rate: Decimal;
}

/** Cost fields parsed into exact decimals: what the pricing engine reads. */
export interface Rates {
  rates: Partial<Record<RateField, Decimal>>;
  tiers: Partial<Record<TierComponent, Tier[]>>;
  /** As declared in the file; undefined means cumulative (see docs/pricing.md). */
  pricingMode?: "cumulative" | "marginal";
  /** Whether `tiered_pricing` was written at all (a priority overlay replaces tiers only then). */
  hasTieredPricing: boolean;
}

/** A cost entry ready to price with: one region of a catalog model or one private price. */
export interface RateCard extends Rates {
  /** Region id, or "*" for every region. */
  region: string;
  priority?: Rates;
  /** Where the entry was read: `pricing/catalog/providers/openai/gpt-4o.yaml#costs`. */
  ref: string;
  file: string;
  line?: number;
}

export function toRates(fields: CostFields): Rates {
  const rates: Rates["rates"] = {};
  for (const field of RATE_FIELDS) {
    const text = fields[field];
    if (text != null) rates[field] = parseDecimal(text);
  }
  const tiers: Rates["tiers"] = {};
  const tiered = fields.tiered_pricing as TieredPricing | undefined;
  if (tiered) {
    for (const component of TIER_COMPONENTS) {
      const list = tiered[component];
      if (list && list.length > 0) {
        tiers[component] = list.map((tier) => ({ from: tier.from, rate: parseDecimal(tier.cost_per_token) }));
      }
    }
  }
  const result: Rates = { rates, tiers, hasTieredPricing: tiered !== undefined };
  if (tiered?.pricing_mode) result.pricingMode = tiered.pricing_mode;
  return result;
}

export function hasAnyRate(rates: Rates): boolean {
  return Object.keys(rates.rates).length > 0 || Object.keys(rates.tiers).length > 0;
}
