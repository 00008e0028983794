import { InvalidCallError, UNIT_RATES, type Call } from "../../pricing/call.ts";
import type { PricingBook } from "../../pricing/load-pricing.ts";
import { parseDecimal } from "../../pricing/money.ts";
import { COMPONENTS, priceCall, type ComponentName } from "../../pricing/price-call.ts";
import type { LogRow } from "../../schemas/log-row.ts";

/** The pricing columns of one priced row (SPEC 6); money in nano-USD. */
export interface PriceColumns {
  provider_account: string | null;
  provider: string | null;
  provider_model: string | null;
  /** The resolved region (row, else account, else catalog default). */
  region: string | null;
  price_source: "public" | "private" | "unpriced";
  /** `file#entry` of the price used, relative to the pricing folder's parent. */
  price_ref: string | null;
  pricing_mode: string | null;
  tier: string | null;
  unpriced_reason: string | null;
  /** Cost of each component, 0 when absent; all null when unpriced. */
  components: Record<ComponentName, bigint | null>;
  cost_nano: bigint | null;
  list_cost_nano: bigint | null;
}

export { COMPONENTS };

/** Prices one row (SPEC 4.4); a row whose token counts contradict each other comes back as a reject reason. */
export function priceRow(book: PricingBook, row: LogRow, refBase: string): PriceColumns | { reject: string } {
  const call: Call = {
    model: row.model,
    timestamp: row.timestamp,
    region: row.region,
    input_tokens: row.input_tokens,
    output_tokens: row.output_tokens,
    cache_read_tokens: row.cache_read_tokens,
    cache_write_tokens: row.cache_write_tokens,
    input_audio_tokens: row.input_audio_tokens,
    output_audio_tokens: row.output_audio_tokens,
    batch: row.batch,
    service_tier: row.service_tier,
  };
  for (const { field } of UNIT_RATES) {
    const text = row[field];
    if (text !== null) call[field] = parseDecimal(text);
  }
  let priced;
  try {
    priced = priceCall(book, call);
  } catch (error) {
    if (error instanceof InvalidCallError) return { reject: error.message };
    throw error;
  }
  const components = {} as Record<ComponentName, bigint | null>;
  const unpriced = priced.cost_nano === null;
  for (const name of COMPONENTS) components[name] = unpriced ? null : 0n;
  for (const component of priced.components) components[component.component] = component.cost_nano;
  return {
    provider_account: priced.provider_account,
    provider: priced.provider,
    provider_model: priced.provider_model,
    region: priced.region,
    price_source: priced.price_source,
    price_ref: priced.price_ref === null ? null : relativeRef(priced.price_ref, refBase),
    pricing_mode: priced.pricing_mode,
    tier: priced.tier,
    unpriced_reason: priced.unpriced_reason === null ? null : priced.unpriced_reason.replaceAll(`${refBase}/`, ""),
    components,
    cost_nano: priced.cost_nano,
    list_cost_nano: priced.list_cost_nano,
  };
}

/** Paths in refs and reasons are made relative to the pricing folder's parent, so outputs do not depend on where the repository is checked out. */
function relativeRef(ref: string, base: string): string {
  return base && ref.startsWith(`${base}/`) ? ref.slice(base.length + 1) : ref;
}
