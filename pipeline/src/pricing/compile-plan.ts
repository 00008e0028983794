import { add, fromInteger, multiply, toNano, type Decimal } from "./money.ts";
import { UNIT_RATES } from "./call.ts";
import type { Tier } from "./rate-card.ts";
import type { RatePlan } from "./resolve-rate.ts";

/**
 * A rate plan compiled for the hot path of `costs run`: the token components of the
 * common call (text input, cache read, cache write, output, a per-request fee) priced
 * with the same brackets, the same single half-to-even rounding per component and the
 * same tier label as `applyPlan`, and non-token units (`applyUnits`). Everything else
 * (audio, a component with tokens but no rate) is left to `applyPlan`, which explains it:
 * `applyCompiled` returns undefined for those calls.
 * stages/price/create-row-pricer.property.test.ts checks that both agree (createRowPricer
 * against priceRow on random rows, on a hand-made pricing folder and on the project's).
 */
export interface CompiledPlan {
  mode: "cumulative" | "marginal";
  /** Audio rates split tokens off input/output: not compiled. */
  simple: boolean;
  input: TokenRate;
  cacheRead: TokenRate;
  cacheWrite: TokenRate;
  output: TokenRate;
  request: Decimal | undefined;
  /** The rate of each non-token unit, in UNIT_RATES order (undefined: not charged). */
  units: ReadonlyArray<Decimal | undefined>;
}

interface TokenRate {
  rate: Decimal | undefined;
  tiers: Tier[] | undefined;
}

/** Component costs in COMPONENTS order for the components this path prices (input, cache_read, cache_write, output, request; never cache_write_1h: calls with 1-hour writes take applyPlan). */
export interface CompiledCost {
  input: bigint;
  cache_read: bigint;
  cache_write: bigint;
  output: bigint;
  request: bigint;
  cost: bigint;
  tier: string | null;
  pricing_mode: "cumulative" | "marginal" | null;
}

export function compilePlan(plan: RatePlan): CompiledPlan {
  const { rates, tiers, mode } = plan.effective;
  const inputRate = rates.input_cost_per_token;
  const cache = (own: Decimal | undefined, ownTiers: Tier[] | undefined): TokenRate =>
    own ? { rate: own, tiers: ownTiers } : { rate: inputRate, tiers: ownTiers ?? tiers.input };
  return {
    mode,
    simple: !rates.input_cost_per_audio_token && !rates.output_cost_per_audio_token,
    input: { rate: inputRate, tiers: tiers.input },
    cacheRead: cache(rates.cache_read_input_token_cost, tiers.cache_read),
    cacheWrite: cache(rates.cache_creation_input_token_cost, tiers.cache_write),
    output: { rate: rates.output_cost_per_token, tiers: tiers.output },
    request: rates.input_cost_per_request,
    units: UNIT_RATES.map((unit) => rates[unit.rate]),
  };
}

/**
 * The cost of each non-token unit (UNIT_RATES order) into `out`, as `applyPlan` prices it:
 * quantity × rate rounded once, 0 when the quantity is absent or zero or the plan has no
 * rate for it (applyPlan only notes that). Returns their sum.
 */
export function applyUnits(plan: CompiledPlan, quantities: ReadonlyArray<Decimal | null>, out: bigint[]): bigint {
  let sum = 0n;
  for (let u = 0; u < quantities.length; u++) {
    const quantity = quantities[u];
    const rate = plan.units[u];
    const cost = quantity && quantity.coef !== 0n && rate ? toNano(multiply(quantity, rate)) : 0n;
    out[u] = cost;
    sum += cost;
  }
  return sum;
}

interface TierState {
  used: boolean;
  highest: number;
}

/** Prices the token components of a call, or undefined when the call needs `applyPlan` (see above). */
export function applyCompiled(plan: CompiledPlan, input: number, cacheRead: number, cacheWrite: number, output: number): CompiledCost | undefined {
  if (!plan.simple) return undefined;
  const state: TierState = { used: false, highest: -1 };
  const text = input - cacheRead - cacheWrite;
  const a = componentCost(plan, plan.input, text, input, state);
  const b = componentCost(plan, plan.cacheRead, cacheRead, input, state);
  const c = componentCost(plan, plan.cacheWrite, cacheWrite, input, state);
  const d = componentCost(plan, plan.output, output, input, state);
  if (a === undefined || b === undefined || c === undefined || d === undefined) return undefined;
  const request = plan.request ? toNano(plan.request) : 0n;
  return {
    input: a,
    cache_read: b,
    cache_write: c,
    output: d,
    request,
    cost: a + b + c + d + request,
    tier: state.used ? (state.highest < 0 ? "base" : `from ${state.highest}`) : null,
    pricing_mode: state.used ? plan.mode : null,
  };
}

/** One token component, rounded once; undefined when it has tokens but no rate (applyPlan words the reason). */
function componentCost(plan: CompiledPlan, spec: TokenRate, count: number, promptSize: number, state: TierState): bigint | undefined {
  if (count === 0) return 0n;
  const rate = spec.rate;
  if (rate === undefined) return undefined;
  const tiers = spec.tiers;
  if (!tiers || tiers.length === 0) return tokensTimesRate(count, rate);
  state.used = true;
  if (plan.mode === "cumulative") {
    let chosen = -1;
    for (let i = 0; i < tiers.length; i++) if (promptSize > tiers[i]!.from) chosen = i;
    if (chosen < 0) return tokensTimesRate(count, rate);
    const tier = tiers[chosen]!;
    if (tier.from > state.highest) state.highest = tier.from;
    return tokensTimesRate(count, tier.rate);
  }
  let exact = fromInteger(0);
  const baseCount = Math.min(count, tiers[0]!.from);
  if (baseCount > 0) exact = add(exact, multiply(fromInteger(baseCount), rate));
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i]!;
    const upper = i + 1 < tiers.length ? tiers[i + 1]!.from : Infinity;
    const n = Math.min(count, upper) - tier.from;
    if (n > 0) {
      exact = add(exact, multiply(fromInteger(n), tier.rate));
      if (tier.from > state.highest) state.highest = tier.from;
    }
  }
  return toNano(exact);
}

/**
 * `toNano(count × rate)`: the exact product, rounded once half to even. A shortcut in double
 * arithmetic for products below 2^53 gained nothing in `npm run bench:pricing`
 * (createRowPricer on 195,025 sample rows; two rounds of 3 runs each way, interleaved,
 * median of the runs' medians: 1.23 M rows/s with it, 1.26 M without), so there is none.
 */
export function tokensTimesRate(count: number, rate: Decimal): bigint {
  return toNano(multiply(fromInteger(count), rate));
}
