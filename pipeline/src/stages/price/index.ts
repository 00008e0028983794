import { InvalidCallError, UNIT_RATES, type Call } from "../../pricing/call.ts";
import type { PricingBook } from "../../pricing/load-pricing.ts";
import { parseDecimal, toNano, type Decimal } from "../../pricing/money.ts";
import { priceDependence } from "../../pricing/price-dependence.ts";
import { applyCompiled, applyUnits, compilePlan, type CompiledPlan } from "../../pricing/compile-plan.ts";
import { COMPONENTS, priceCall, type ComponentName } from "../../pricing/price-call.ts";
import { isUnpriced, resolveRate, type RatePlan, type Resolution } from "../../pricing/resolve-rate.ts";
import type { LogRow } from "../../schemas/log-row.ts";

/** The pricing columns of one priced row (SPEC 6); money in nano-USD. */
export interface PriceColumns {
  provider_account: string | null;
  provider: string | null;
  provider_model: string | null;
  /** The resolved region (row, else account, else catalog default). */
  region: string | null;
  /** `gateway_cache`: the gateway answered from its own cache (see gatewayCachePrice). */
  price_source: "public" | "private" | "unpriced" | "gateway_cache";
  /** `file#entry` of the price used, relative to the pricing folder's parent. */
  price_ref: string | null;
  pricing_mode: string | null;
  tier: string | null;
  unpriced_reason: string | null;
  /** Cost of each component, 0 when absent; all null when unpriced. */
  components: Record<ComponentName, bigint | null>;
  cost_nano: bigint | null;
  list_cost_nano: bigint | null;
  /** The price fields the price in force depends on (pricing/price-dependence.ts), a mask; 0 when unpriced or a gateway cache hit. */
  depends: number;
}

export { COMPONENTS };

/**
 * A call the gateway answered from its own cache (`gateway_cache_hit`): no provider was
 * called, so it is not priced from the rates. Its cost is the gateway's own figure
 * (`reported_cost_usd`, usually 0), else 0; its list cost is that same cost (there is no
 * provider call to list-price); components are null (no rate was applied). The account,
 * provider and region are resolved as for any call, so the row is attributed as usual.
 */
export function gatewayCachePrice(resolution: Resolution, row: LogRow): PriceColumns {
  const cost = row.reported_cost_usd === null ? 0n : toNano(parseDecimal(row.reported_cost_usd));
  const components = {} as Record<ComponentName, bigint | null>;
  for (const name of COMPONENTS) components[name] = null;
  return {
    provider_account: resolution.provider_account,
    provider: resolution.provider,
    provider_model: resolution.provider_model,
    region: resolution.region,
    price_source: "gateway_cache",
    price_ref: null,
    pricing_mode: null,
    tier: null,
    unpriced_reason: null,
    components,
    cost_nano: cost,
    list_cost_nano: cost,
    depends: 0,
  };
}

/** The fields of a row its rate resolution reads (SPEC 4.4 steps 1–3). */
function keyCall(row: LogRow): Call {
  return {
    model: row.model,
    timestamp: row.timestamp,
    region: row.region,
    input_tokens: 0,
    output_tokens: 0,
    batch: row.batch,
    service_tier: row.service_tier,
  };
}

/**
 * Prices one row (SPEC 4.4); a row whose token counts contradict each other comes back as
 * a reject reason. `resolution`: the row's rate resolution when the caller already has it
 * (createRowPricer resolves each key once).
 */
export function priceRow(book: PricingBook, row: LogRow, refBase: string, resolution?: Resolution): PriceColumns | { reject: string } {
  if (row.gateway_cache_hit) return gatewayCachePrice(resolution ?? resolveRate(book, keyCall(row)), row);
  const call: Call = {
    model: row.model,
    timestamp: row.timestamp,
    region: row.region,
    input_tokens: row.input_tokens,
    output_tokens: row.output_tokens,
    cache_read_tokens: row.cache_read_tokens,
    cache_write_tokens: row.cache_write_tokens,
    cache_write_1h_tokens: row.cache_write_1h_tokens,
    input_audio_tokens: row.input_audio_tokens,
    output_audio_tokens: row.output_audio_tokens,
    batch: row.batch,
    service_tier: row.service_tier,
  };
  if (row.calls !== undefined) call.calls = row.calls;
  for (const { field } of UNIT_RATES) {
    const text = row[field];
    if (text !== null) call[field] = parseDecimal(text);
  }
  const resolved = resolution ?? resolveRate(book, call);
  let priced;
  try {
    priced = priceCall(book, call, resolved);
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
    depends: priceDependence(book, resolved, row.model, row.timestamp),
  };
}

/** Paths in refs and reasons are made relative to the pricing folder's parent, so outputs do not depend on where the repository is checked out. */
function relativeRef(ref: string, base: string): string {
  return base && ref.startsWith(`${base}/`) ? ref.slice(base.length + 1) : ref;
}

/** What the resolution of a call (SPEC 4.4 steps 1–3) gives every call with the same key. */
interface Resolved {
  provider_account: string | null;
  provider: string | null;
  provider_model: string | null;
  region: string | null;
  price_source: "public" | "private";
  price_ref: string;
  plan: CompiledPlan;
  /** undefined: no list price (list cost null); "same": the plan itself. */
  list: CompiledPlan | "same" | undefined;
  /** priceDependence of the key (the same for every call with it). */
  depends: number;
}

/**
 * `priceRow` for a whole run: the same result for every row, faster. A call's resolution
 * depends only on its model, region, batch flag, priority tier and, for private prices,
 * which periods are in force; it is resolved once per such key and its rates compiled
 * (compile-plan.ts). Calls the compiled path does not cover (audio, 1-hour cache writes) go
 * through `priceRow` with the key's resolution; keys whose resolution is unpriced through
 * `priceRow` alone, which words the reason with the row's own time. A gateway cache hit
 * takes only the key's account and region (gatewayCachePrice); every other row carries its
 * key's `depends` mask, resolved once with the key.
 */
export function createRowPricer(book: PricingBook, refBase: string): (row: LogRow) => PriceColumns | { reject: string } {
  const memo = new Map<string, { resolution: Resolution; resolved: Resolved | null }>();
  const keyOf = createRateKey(book);
  const entryOf = (row: LogRow) => {
    const key = keyOf(row);
    let entry = memo.get(key);
    if (entry === undefined) memo.set(key, (entry = resolveKey(book, row, refBase)));
    return entry;
  };
  return (row) => {
    if (row.gateway_cache_hit) return gatewayCachePrice(entryOf(row).resolution, row);
    const { resolution, resolved } = entryOf(row);
    // An unpriced key's reason names the row's own time: resolved again, per row.
    if (resolved === null) return priceRow(book, row, refBase);
    // Aggregate rows (usage APIs) take priceCall's rules for tiers and per-request charges.
    if (row.calls !== undefined) return priceRow(book, row, refBase, resolution);
    // Calls the compiled path does not cover (audio, 1-hour cache writes, contradicting counts: checkCall's reject) take priceRow with the key's resolution.
    if (row.input_audio_tokens !== 0 || row.output_audio_tokens !== 0 || row.cache_write_1h_tokens)
      return priceRow(book, row, refBase, resolution);
    if (row.cache_read_tokens + row.cache_write_tokens > row.input_tokens) return priceRow(book, row, refBase, resolution);
    const quantities = hasUnits(row) ? unitQuantities(row) : undefined;
    if (quantities === null) return priceRow(book, row, refBase, resolution);
    const cost = applyCompiled(resolved.plan, row.input_tokens, row.cache_read_tokens, row.cache_write_tokens, row.output_tokens);
    if (cost === undefined) return priceRow(book, row, refBase, resolution);
    let units = NO_UNITS;
    let total = cost.cost;
    if (quantities !== undefined) {
      const priced: bigint[] = [];
      total += applyUnits(resolved.plan, quantities, priced);
      units = priced;
    }
    let list: bigint | null = null;
    if (resolved.list === "same") list = total;
    else if (resolved.list !== undefined) {
      const listed = applyCompiled(resolved.list, row.input_tokens, row.cache_read_tokens, row.cache_write_tokens, row.output_tokens);
      if (listed === undefined) return priceRow(book, row, refBase, resolution);
      list = quantities === undefined ? listed.cost : listed.cost + applyUnits(resolved.list, quantities, []);
    }
    return {
      provider_account: resolved.provider_account,
      provider: resolved.provider,
      provider_model: resolved.provider_model,
      region: resolved.region,
      price_source: resolved.price_source,
      price_ref: resolved.price_ref,
      pricing_mode: cost.pricing_mode,
      tier: cost.tier,
      unpriced_reason: null,
      components: {
        input: cost.input,
        cache_read: cost.cache_read,
        cache_write: cost.cache_write,
        cache_write_1h: 0n,
        input_audio: 0n,
        output: cost.output,
        output_audio: 0n,
        request: cost.request,
        input_image: units[0]!,
        output_image: units[1]!,
        input_character: units[2]!,
        input_second: units[3]!,
        output_second: units[4]!,
        query: units[5]!,
        page: units[6]!,
      },
      cost_nano: total,
      list_cost_nano: list,
      depends: resolved.depends,
    };
  };
}

/** The fields of a call its rate resolution depends on (SPEC 4.4 steps 1–3). */
export type RateKeyFields = Pick<Call, "model" | "timestamp" | "region" | "batch" | "service_tier">;

/** Per model with private prices: the start and end times of their periods, sorted (a call's resolution changes only there). */
export function privatePeriodEdges(book: PricingBook): Map<string, number[]> {
  const edges = new Map<string, number[]>();
  for (const [model, periods] of book.privatePrices) {
    edges.set(
      model,
      [...new Set(periods.flatMap((p) => (p.to === undefined ? [p.from] : [p.from, p.to])))].sort((a, b) => a - b),
    );
  }
  return edges;
}

/**
 * A call's resolution key: calls with the same key resolve to the same account, prices
 * and list price. It is the model, region, batch flag and priority tier, and for a model
 * with private prices which of their periods' boundaries the call's time is past.
 */
export function createRateKey(book: PricingBook): (call: RateKeyFields) => string {
  const boundaries = privatePeriodEdges(book);
  return (call) => {
    const edges = boundaries.get(call.model);
    let segment = 0;
    if (edges) while (segment < edges.length && edges[segment]! <= call.timestamp) segment++;
    return `${call.model}\u0000${call.region ?? ""}\u0000${call.batch ? 1 : 0}${call.service_tier === "priority" ? 1 : 0}\u0000${segment}`;
  };
}

/** No unit costs, in UNIT_RATES order. */
const NO_UNITS: readonly bigint[] = UNIT_RATES.map(() => 0n);
// The components literal above names the unit components by position in UNIT_RATES.
if (UNIT_RATES.map((u) => u.component).join(" ") !== "input_image output_image input_character input_second output_second query page") {
  throw new Error("createRowPricer names the unit components in an order UNIT_RATES no longer has");
}

/** The row's unit quantities in UNIT_RATES order (null when absent); null for a negative one (checkCall rejects it). */
function unitQuantities(row: LogRow): Array<Decimal | null> | null {
  const quantities: Array<Decimal | null> = [];
  for (const { field } of UNIT_RATES) {
    const text = row[field];
    const quantity = text === null ? null : parseDecimal(text);
    if (quantity !== null && quantity.coef < 0n) return null;
    quantities.push(quantity);
  }
  return quantities;
}

function hasUnits(row: LogRow): boolean {
  return (
    row.input_images !== null ||
    row.output_images !== null ||
    row.input_characters !== null ||
    row.input_seconds !== null ||
    row.output_seconds !== null ||
    row.queries !== null ||
    row.pages !== null
  );
}

/** The resolution shared by every call with this row's key, and its compiled form (null when it is unpriced: priceRow words the reason per row). */
function resolveKey(book: PricingBook, row: LogRow, refBase: string): { resolution: Resolution; resolved: Resolved | null } {
  const resolution = resolveRate(book, keyCall(row));
  if (isUnpriced(resolution.plan)) return { resolution, resolved: null };
  const plan = resolution.plan as RatePlan;
  let list: Resolved["list"];
  if (resolution.list === null) list = undefined;
  else if (resolution.list === resolution.plan) list = "same";
  else if (isUnpriced(resolution.list)) list = undefined;
  else list = compilePlan(resolution.list);
  const resolved: Resolved = {
    provider_account: resolution.provider_account,
    provider: resolution.provider,
    provider_model: resolution.provider_model,
    region: resolution.region,
    price_source: plan.price_source,
    price_ref: relativeRef(plan.price_ref, refBase),
    plan: compilePlan(plan),
    list,
    depends: priceDependence(book, resolution, row.model, row.timestamp),
  };
  return { resolution, resolved };
}
