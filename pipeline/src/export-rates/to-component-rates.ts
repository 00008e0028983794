import { UNIT_RATES } from "../pricing/call.ts";
import type { Decimal } from "../pricing/money.ts";
import type { ComponentName } from "../pricing/price-call.ts";
import type { Tier } from "../pricing/rate-card.ts";
import type { EffectiveRates } from "../pricing/resolve-rate.ts";
import type { RateField, TierComponent } from "../schemas/cost-fields.schema.ts";

/** One rate of one component: the base rate (`tier_from` null) or one tier of its list. */
export interface ComponentRate {
  component: ComponentName;
  /** null: the base rate; else the prompt size (cumulative) or token count (marginal) the tier starts above. */
  tier_from: number | null;
  /** The next threshold (the base rate's is the first tier's `from`); null: no upper bound. */
  tier_to: number | null;
  /** The entry's pricing mode when the component has a tier list; null when it is flat. */
  pricing_mode: "cumulative" | "marginal" | null;
  rate: Decimal;
  rate_field: string;
}

/**
 * The rate of every component a call can use, from the rates in force after the batch
 * and priority overlays (resolve-rate.ts). Mirrors how `applyPlan` (price-call.ts) reads
 * them: cache read / write without their own rate use the input rate and the input tiers
 * (unless the cache component has tiers of its own), 1-hour cache writes, audio and the non-token units are
 * flat, the request fee is one unit. A component with no rate has no row: its tokens make
 * the call unpriced, its units are not charged.
 */
export function toComponentRates(effective: EffectiveRates): ComponentRate[] {
  const { rates, fieldOf, tiers, tierSource, mode } = effective;
  const out: ComponentRate[] = [];
  const inputRate = rates.input_cost_per_token;
  const inputField = fieldOf.input_cost_per_token ?? "input_cost_per_token";
  const token = (component: ComponentName, rate: Decimal | undefined, field: string, list: Tier[] | undefined, tierField: string) => {
    if (rate === undefined) return;
    const tiered = list !== undefined && list.length > 0;
    out.push({
      component,
      tier_from: null,
      tier_to: tiered ? list[0]!.from : null,
      pricing_mode: tiered ? mode : null,
      rate,
      rate_field: field,
    });
    if (!tiered) return;
    list.forEach((tier, i) => {
      out.push({
        component,
        tier_from: tier.from,
        tier_to: list[i + 1]?.from ?? null,
        pricing_mode: mode,
        rate: tier.rate,
        rate_field: `${tierField}[${i}].cost_per_token`,
      });
    });
  };
  const flat = (component: ComponentName, field: RateField) => {
    const rate = rates[field];
    if (rate) out.push({ component, tier_from: null, tier_to: null, pricing_mode: null, rate, rate_field: fieldOf[field] ?? field });
  };
  const cache = (component: ComponentName, own: RateField, tier: TierComponent) => {
    const ownRate = rates[own];
    if (ownRate) token(component, ownRate, fieldOf[own] ?? own, tiers[tier], `${tierSource}.${tier}`);
    else token(component, inputRate, inputField, tiers[tier] ?? tiers.input, `${tierSource}.${tiers[tier] ? tier : "input"}`);
  };

  token("input", inputRate, inputField, tiers.input, `${tierSource}.input`);
  cache("cache_read", "cache_read_input_token_cost", "cache_read");
  cache("cache_write", "cache_creation_input_token_cost", "cache_write");
  flat("cache_write_1h", "cache_creation_input_token_cost_above_1hr");
  flat("input_audio", "input_cost_per_audio_token");
  token(
    "output",
    rates.output_cost_per_token,
    fieldOf.output_cost_per_token ?? "output_cost_per_token",
    tiers.output,
    `${tierSource}.output`,
  );
  flat("output_audio", "output_cost_per_audio_token");
  flat("request", "input_cost_per_request");
  for (const unit of UNIT_RATES) flat(unit.component, unit.rate);
  return out;
}
