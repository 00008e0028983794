import { UNIT_RATES } from "./call.ts";
import type { PricingBook } from "./load-pricing.ts";
import { isUnpriced, type Resolution } from "./resolve-rate.ts";
import { PRICE_FIELD_BIT } from "../schemas/price-fields.ts";

/**
 * Which price fields (schemas/price-fields.ts) the price in force for a call depends on,
 * as a mask: the fields whose value, had the input had it, could change the call's cost.
 * Decided from the resolved cost entry (after the batch and priority overlays), never
 * from the call's own values:
 *
 * - `cache_read_tokens` / `cache_write_tokens`: the entry has a cache-read / cache-write
 *   rate or tier list (without one, cached tokens cost the input rate: no difference);
 * - `region`: the model's prices differ by region: its catalog model (public) or its
 *   private prices in force at `timestamp` have more than one region entry;
 * - `batch`: the entry has an `*_batches` rate; `service_tier`: it has `priority_pricing`;
 * - `cache_write_1h_tokens`: the entry has `cache_creation_input_token_cost_above_1hr`;
 * - audio tokens and non-token units: the entry has their rate.
 *
 * An unpriced call depends on nothing (it has no price in force).
 */
export function priceDependence(book: PricingBook, resolution: Resolution, model: string, timestamp: number): number {
  const plan = resolution.plan;
  if (isUnpriced(plan)) return 0;
  const { rates, tiers } = plan.effective;
  const card = plan.card;
  let mask = 0;
  if (rates.cache_read_input_token_cost !== undefined || tiers.cache_read !== undefined) mask |= PRICE_FIELD_BIT.cache_read_tokens;
  if (rates.cache_creation_input_token_cost !== undefined || tiers.cache_write !== undefined) mask |= PRICE_FIELD_BIT.cache_write_tokens;
  if (card.rates.input_cost_per_token_batches !== undefined || card.rates.output_cost_per_token_batches !== undefined)
    mask |= PRICE_FIELD_BIT.batch;
  if (card.priority !== undefined) mask |= PRICE_FIELD_BIT.service_tier;
  if (rates.cache_creation_input_token_cost_above_1hr !== undefined) mask |= PRICE_FIELD_BIT.cache_write_1h_tokens;
  if (rates.input_cost_per_audio_token !== undefined) mask |= PRICE_FIELD_BIT.input_audio_tokens;
  if (rates.output_cost_per_audio_token !== undefined) mask |= PRICE_FIELD_BIT.output_audio_tokens;
  for (const { field, rate } of UNIT_RATES) if (rates[rate] !== undefined) mask |= PRICE_FIELD_BIT[field];
  if (regionsOf(book, resolution, model, timestamp) > 1) mask |= PRICE_FIELD_BIT.region;
  return mask;
}

/** How many region entries the call's price could have come from. */
function regionsOf(book: PricingBook, resolution: Resolution, model: string, timestamp: number): number {
  const plan = resolution.plan;
  if (isUnpriced(plan)) return 0;
  if (plan.price_source === "public") {
    const provider = resolution.provider;
    const providerModel = resolution.provider_model;
    if (provider === null || providerModel === null) return 1;
    const entries = book.catalog.providers.get(provider)?.models.get(providerModel)?.entries ?? [];
    return new Set(entries.map((e) => e.region)).size;
  }
  const regions = new Set<string>();
  for (const p of book.privatePrices.get(model) ?? [])
    if (p.from <= timestamp && (p.to === undefined || timestamp < p.to)) regions.add(p.card.region);
  return regions.size;
}
