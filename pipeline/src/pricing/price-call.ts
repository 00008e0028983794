import type { RateField, TierComponent } from "../schemas/cost-fields.schema.ts";
import { checkCall, UNIT_RATES, type Call } from "./call.ts";
import type { PricingBook } from "./load-pricing.ts";
import { add, fromInteger, multiply, toNano, type Decimal } from "./money.ts";
import type { Tier } from "./rate-card.ts";
import { isUnpriced, resolveRate, type RatePlan, type RegionFrom, type Resolution, type Unpriced } from "./resolve-rate.ts";

export const COMPONENTS = [
  "input",
  "cache_read",
  "cache_write",
  "cache_write_1h",
  "input_audio",
  "output",
  "output_audio",
  "request",
  "input_image",
  "output_image",
  "input_character",
  "input_second",
  "output_second",
  "query",
  "page",
] as const;
export type ComponentName = (typeof COMPONENTS)[number];

/** Part of a component's quantity priced at one rate (one bracket in marginal mode). */
export interface Bracket {
  quantity: Decimal;
  rate: Decimal;
  /** The field the rate was read from, e.g. `tiered_pricing.input[0].cost_per_token`. */
  rate_field: string;
  /** `base`, or `from N` for a tier. */
  tier: string;
}

export interface ComponentCost {
  component: ComponentName;
  quantity: Decimal;
  brackets: Bracket[];
  /** Exact cost rounded half to even to nano-USD. */
  cost_nano: bigint;
}

export interface PricedCall {
  price_source: "public" | "private" | "unpriced";
  unpriced_reason: string | null;
  provider_account: string | null;
  provider: string | null;
  provider_model: string | null;
  region: string | null;
  region_from: RegionFrom | null;
  region_entry: string | null;
  price_ref: string | null;
  source_note: string | null;
  /** null when no tier list applied to the call. */
  pricing_mode: "cumulative" | "marginal" | null;
  /** null without tiers; `base` when tiers exist but none was reached; else `from N` (highest reached). */
  tier: string | null;
  components: ComponentCost[];
  /** Sum of the rounded components; null when unpriced. */
  cost_nano: bigint | null;
  /** The call priced at the public catalog entry of the model's provider_model; null when none. */
  list_cost_nano: bigint | null;
  list_unpriced_reason: string | null;
  notes: string[];
}

/**
 * Prices one call (SPEC 4.4). Throws InvalidCallError when its token counts contradict each
 * other. `known`: the call's resolution (steps 1–3) when the caller has it; it depends
 * only on the model, region, batch flag, tier and time, so `costs run` resolves each such
 * key once (stages/price createRowPricer).
 */
export function priceCall(book: PricingBook, call: Call, known?: Resolution): PricedCall {
  checkCall(call);
  const resolution = known ?? resolveRate(book, call);
  const priced = applyPlan(resolution.plan, call);
  const list = resolution.list === null ? null : resolution.list === resolution.plan ? priced : applyPlan(resolution.list, call);
  return {
    price_source: "unpriced" in priced ? "unpriced" : (resolution.plan as RatePlan).price_source,
    unpriced_reason: "unpriced" in priced ? priced.unpriced : null,
    provider_account: resolution.provider_account,
    provider: resolution.provider,
    provider_model: resolution.provider_model,
    region: resolution.region,
    region_from: resolution.region_from,
    region_entry: isUnpriced(resolution.plan) ? null : resolution.plan.region_entry,
    price_ref: isUnpriced(resolution.plan) ? null : resolution.plan.price_ref,
    source_note: isUnpriced(resolution.plan) ? null : resolution.plan.source_note,
    pricing_mode: "unpriced" in priced ? null : priced.pricing_mode,
    tier: "unpriced" in priced ? null : priced.tier,
    components: "unpriced" in priced ? [] : priced.components,
    cost_nano: "unpriced" in priced ? null : priced.cost_nano,
    list_cost_nano: list === null || "unpriced" in list ? null : list.cost_nano,
    list_unpriced_reason: list !== null && "unpriced" in list ? list.unpriced : null,
    notes: isUnpriced(resolution.plan) ? [] : [...resolution.plan.notes, ...("unpriced" in priced ? [] : priced.notes)],
  };
}

interface Applied {
  components: ComponentCost[];
  cost_nano: bigint;
  pricing_mode: "cumulative" | "marginal" | null;
  tier: string | null;
  notes: string[];
}

/** Splits the call into components and prices each (SPEC 4.4 steps 4–6). */
export function applyPlan(plan: RatePlan | Unpriced, call: Call): Applied | Unpriced {
  if (isUnpriced(plan)) return plan;
  const { rates, fieldOf, mode } = plan.effective;
  const state: ApplyState = { plan, mode, promptSize: call.input_tokens, components: [], highestTier: null, usedTiers: false, calls: call.calls };
  const components = state.components;
  const notes: string[] = [];

  const cacheRead = call.cache_read_tokens ?? 0;
  const cacheWrite = call.cache_write_tokens ?? 0;
  let textInput = call.input_tokens - cacheRead - cacheWrite;
  let textOutput = call.output_tokens;
  const audioIn = call.input_audio_tokens ?? 0;
  const audioOut = call.output_audio_tokens ?? 0;
  const audioInRate = rates.input_cost_per_audio_token;
  const audioOutRate = rates.output_cost_per_audio_token;
  if (audioInRate && audioIn > 0) textInput -= audioIn;
  if (audioOutRate && audioOut > 0) textOutput -= audioOut;

  const specs = tokenRateSpecs(plan.effective);
  const { input, cache_read: read, cache_write: write, output } = specs;
  // 1-hour writes at their own flat rate; without one, at the cache-write rate (5-minute), with a note.
  const write1hRate = rates.cache_creation_input_token_cost_above_1hr;
  let write1h = call.cache_write_1h_tokens ?? 0;
  if (write1h > 0 && !write1hRate) {
    notes.push(
      `${write1h} 1-hour cache write tokens priced at the 5-minute cache-write rate: ${plan.price_ref} has no cache_creation_input_token_cost_above_1hr`,
    );
    write1h = 0;
  }

  const failure =
    tokenComponent(state, "input", textInput, input.rate, input.field, input.tiers, input.tierField) ??
    tokenComponent(state, "cache_read", cacheRead, read.rate, read.field, read.tiers, read.tierField) ??
    tokenComponent(state, "cache_write", cacheWrite - write1h, write.rate, write.field, write.tiers, write.tierField) ??
    (write1hRate ? tokenComponent(state, "cache_write_1h", write1h, write1hRate, fieldOf.cache_creation_input_token_cost_above_1hr!, undefined, "") : undefined) ??
    (audioInRate ? tokenComponent(state, "input_audio", audioIn, audioInRate, fieldOf.input_cost_per_audio_token!, undefined, "") : undefined) ??
    tokenComponent(state, "output", textOutput, output.rate, output.field, output.tiers, output.tierField) ??
    (audioOutRate ? tokenComponent(state, "output_audio", audioOut, audioOutRate, fieldOf.output_cost_per_audio_token!, undefined, "") : undefined);
  if (failure) return failure;

  if (rates.input_cost_per_request) {
    // An aggregate row pays the charge once per call it sums; with an unknown count it cannot be priced.
    if (call.calls === 0) return { unpriced: `${aggregate(call.calls)}: ${plan.price_ref} charges per request (input_cost_per_request), which needs the number of calls` };
    const requests = fromInteger(call.calls ?? 1);
    components.push(
      costOf("request", requests, [{ quantity: requests, rate: rates.input_cost_per_request, rate_field: fieldOf.input_cost_per_request!, tier: "base" }]),
    );
  }
  for (const unit of UNIT_RATES) {
    const quantity = call[unit.field];
    if (!quantity || quantity.coef === 0n) continue;
    const rate = rates[unit.rate];
    if (!rate) {
      notes.push(`${unit.field} not charged separately: ${plan.price_ref} has no ${unit.rate}`);
      continue;
    }
    components.push(costOf(unit.component, quantity, [{ quantity, rate, rate_field: fieldOf[unit.rate]!, tier: "base" }]));
  }

  components.sort(byComponentOrder);
  let cost = 0n;
  for (const component of components) cost += component.cost_nano;
  return {
    components,
    cost_nano: cost,
    pricing_mode: state.usedTiers ? mode : null,
    tier: state.usedTiers ? (state.highestTier === null ? "base" : `from ${state.highestTier}`) : null,
    notes,
  };
}

/** What pricing one call's components accumulates (module-level helpers keep the hot path free of closures). */
interface ApplyState {
  plan: RatePlan;
  mode: "cumulative" | "marginal";
  promptSize: number;
  components: ComponentCost[];
  highestTier: number | null;
  usedTiers: boolean;
  /** Calls an aggregate row sums (0: unknown); undefined for one call. */
  calls: number | undefined;
}

/** Prices one token component into `state`; a reason when the component has tokens but no rate. */
function tokenComponent(
  state: ApplyState,
  component: ComponentName,
  count: number,
  rate: Decimal | undefined,
  rateField: string,
  tierList: Tier[] | undefined,
  tierField: string,
): Unpriced | undefined {
  if (count === 0) return undefined;
  if (rate === undefined) {
    return { unpriced: `${state.plan.price_ref} has no ${rateField} for ${count} ${component.replaceAll("_", " ")} tokens` };
  }
  let brackets: Bracket[];
  if (!tierList || tierList.length === 0) {
    brackets = [{ quantity: fromInteger(count), rate, rate_field: rateField, tier: "base" }];
  } else {
    // Tiers go by each call's prompt size, which a row summing many calls does not have.
    if (state.calls !== undefined) {
      return { unpriced: `${aggregate(state.calls)}: ${state.plan.price_ref} has prompt-size tiers (${tierField}), which need each call's prompt size` };
    }
    state.usedTiers = true;
    brackets =
      state.mode === "marginal" ? marginal(count, rate, rateField, tierList, tierField) : cumulative(count, state.promptSize, rate, rateField, tierList, tierField);
    for (const bracket of brackets) {
      if (bracket.tier !== "base") state.highestTier = Math.max(state.highestTier ?? 0, Number(bracket.tier.slice(5)));
    }
  }
  state.components.push(costOf(component, fromInteger(count), brackets));
  return undefined;
}

/** How a reason names an aggregate row. */
function aggregate(calls: number): string {
  return calls === 0 ? "aggregate row of an unknown number of calls" : `aggregate row of ${calls} calls`;
}

/** A text token component's rate, the field it is read from, its tiers and the field they are read from. */
export interface TokenRateSpec {
  rate: Decimal | undefined;
  field: string;
  tiers: Tier[] | undefined;
  tierField: string;
}

/**
 * The rates of the text token components (SPEC 4.4): input and output their own; a cache
 * component its own rate and tiers, else the input rate in force and the input tiers.
 * applyPlan prices with them, and the FOCUS pieces (engine/collect-focus-pieces.ts) name them.
 */
export function tokenRateSpecs(effective: RatePlan["effective"]): Record<"input" | "cache_read" | "cache_write" | "output", TokenRateSpec> {
  const { rates, fieldOf, tiers, tierSource } = effective;
  const input: TokenRateSpec = {
    rate: rates.input_cost_per_token,
    field: fieldOf.input_cost_per_token ?? "input_cost_per_token",
    tiers: tiers.input,
    tierField: `${tierSource}.input`,
  };
  const cache = (own: RateField, tier: TierComponent): TokenRateSpec =>
    rates[own]
      ? { rate: rates[own], field: fieldOf[own]!, tiers: tiers[tier], tierField: `${tierSource}.${tier}` }
      : { rate: input.rate, field: input.field, tiers: tiers[tier] ?? tiers.input, tierField: `${tierSource}.${tiers[tier] ? tier : "input"}` };
  return {
    input,
    cache_read: cache("cache_read_input_token_cost", "cache_read"),
    cache_write: cache("cache_creation_input_token_cost", "cache_write"),
    output: {
      rate: rates.output_cost_per_token,
      field: fieldOf.output_cost_per_token ?? "output_cost_per_token",
      tiers: tiers.output,
      tierField: `${tierSource}.output`,
    },
  };
}

function byComponentOrder(a: ComponentCost, b: ComponentCost): number {
  return COMPONENTS.indexOf(a.component) - COMPONENTS.indexOf(b.component);
}

/** Cumulative: every token at the rate of the highest tier whose `from` the prompt size strictly exceeds. */
function cumulative(count: number, promptSize: number, base: Decimal, baseField: string, tiers: Tier[], tierField: string): Bracket[] {
  let chosen = -1;
  for (let i = 0; i < tiers.length; i++) if (promptSize > tiers[i]!.from) chosen = i;
  if (chosen < 0) return [{ quantity: fromInteger(count), rate: base, rate_field: baseField, tier: "base" }];
  const tier = tiers[chosen]!;
  return [
    { quantity: fromInteger(count), rate: tier.rate, rate_field: `${tierField}[${chosen}].cost_per_token`, tier: `from ${tier.from}` },
  ];
}

/** Marginal: like tax brackets on the component's own count; tokens beyond each `from` at that tier's rate. */
function marginal(count: number, base: Decimal, baseField: string, tiers: Tier[], tierField: string): Bracket[] {
  const brackets: Bracket[] = [];
  const firstFrom = tiers[0]!.from;
  const baseCount = Math.min(count, firstFrom);
  if (baseCount > 0) brackets.push({ quantity: fromInteger(baseCount), rate: base, rate_field: baseField, tier: "base" });
  tiers.forEach((tier, i) => {
    const upper = tiers[i + 1]?.from ?? Infinity;
    const n = Math.min(count, upper) - tier.from;
    if (n > 0) {
      brackets.push({ quantity: fromInteger(n), rate: tier.rate, rate_field: `${tierField}[${i}].cost_per_token`, tier: `from ${tier.from}` });
    }
  });
  return brackets;
}

/** Exact sum of the brackets, rounded once, half to even, to nano-USD. */
function costOf(component: ComponentName, quantity: Decimal, brackets: Bracket[]): ComponentCost {
  let exact: Decimal = fromInteger(0);
  for (const bracket of brackets) exact = add(exact, multiply(bracket.quantity, bracket.rate));
  return { component, quantity, brackets, cost_nano: toNano(exact) };
}
