import type { RateField, TierComponent } from "../schemas/cost-fields.schema.ts";
import { formatTimestamp } from "../lib/parse-timestamp.ts";
import type { Call } from "./call.ts";
import type { CatalogModel } from "./load-catalog.ts";
import type { PricingBook } from "./load-pricing.ts";
import type { Decimal } from "./money.ts";
import type { RateCard, Tier } from "./rate-card.ts";

/** Where the region used for pricing came from (SPEC 4.4 step 2). */
export type RegionFrom = "row" | "account" | "catalog defaultRegion";

/** The rates in force for one call, after the batch and priority overlays (SPEC 4.4 step 3). */
export interface EffectiveRates {
  rates: Partial<Record<RateField, Decimal>>;
  /** The field each rate was read from, e.g. `priority_pricing.input_cost_per_token`. */
  fieldOf: Partial<Record<RateField, string>>;
  tiers: Partial<Record<TierComponent, Tier[]>>;
  /** `tiered_pricing` or `priority_pricing.tiered_pricing`. */
  tierSource: string;
  mode: "cumulative" | "marginal";
  /** Whether `pricing_mode` was written (absent means cumulative). */
  modeDeclared: boolean;
  /** A batch call on an entry with batch rates: flat rates, no tiers (SPEC 4.4 step 5). */
  flat: boolean;
}

export interface RatePlan {
  price_source: "public" | "private";
  card: RateCard;
  /** `file#entry` of the price used. */
  price_ref: string;
  /** The cost entry's region: the region itself or "*". */
  region_entry: string;
  /** Private prices: their `source`; public: the catalog file. */
  source_note: string;
  effective: EffectiveRates;
  notes: string[];
}

export interface Unpriced {
  unpriced: string;
}

/** Who the call belongs to: the provider account and model, and the region it ran in. */
export interface Resolution {
  provider_account: string | null;
  provider: string | null;
  provider_model: string | null;
  region: string | null;
  region_from: RegionFrom | null;
  plan: RatePlan | Unpriced;
  /** The public catalog price of `provider_model`, for `list_cost_usd` (SPEC 4.4 step 7). */
  list: RatePlan | Unpriced | null;
}

export function isUnpriced(plan: RatePlan | Unpriced | null): plan is Unpriced {
  return plan !== null && "unpriced" in plan;
}

/**
 * Resolves the account, model, region and cost entry of a call (SPEC 4.4 steps 1–3).
 * Anything that cannot be resolved gives an `unpriced` reason, never a silent zero.
 */
export function resolveRate(book: PricingBook, call: Call): Resolution {
  const result: Resolution = {
    provider_account: null,
    provider: null,
    provider_model: null,
    region: null,
    region_from: null,
    plan: { unpriced: "" },
    list: null,
  };
  const slash = call.model.indexOf("/");
  if (slash <= 0) {
    result.plan = { unpriced: `model \`${call.model}\` is not of the form <provider-account>/<model>` };
    return result;
  }
  const accountName = call.model.slice(0, slash);
  const modelName = call.model.slice(slash + 1);
  const account = book.accounts.get(accountName);
  if (!account) {
    result.plan = { unpriced: `unknown provider account \`${accountName}\` (not declared in pricing/accounts/)` };
    return result;
  }
  result.provider_account = account.name;
  result.provider = account.provider;
  const model = account.models.get(modelName);
  if (!model) {
    result.plan = { unpriced: `model \`${modelName}\` is not declared in account \`${account.name}\` (${account.file})` };
    return result;
  }
  result.provider_model = model.providerModel ?? null;
  const catalogModel = model.providerModel
    ? book.catalog.providers.get(account.provider)?.models.get(model.providerModel)
    : undefined;

  if (call.region) {
    result.region = call.region;
    result.region_from = "row";
  } else if (account.region) {
    result.region = account.region;
    result.region_from = "account";
  } else if (model.cost === "public" && catalogModel?.defaultRegion) {
    result.region = catalogModel.defaultRegion;
    result.region_from = "catalog defaultRegion";
  }

  const listRegion = result.region ?? catalogModel?.defaultRegion ?? null;
  const list = model.providerModel
    ? catalogModel
      ? planFromCatalog(catalogModel, listRegion, call)
      : { unpriced: `\`${model.providerModel}\` is not in the catalog of provider \`${account.provider}\`` }
    : null;

  if (model.cost === "public") {
    result.plan = list!;
    result.list = list;
    return result;
  }
  result.list = list;
  const periods = book.privatePrices.get(call.model) ?? [];
  const inForce: typeof periods = [];
  for (const p of periods) if (p.from <= call.timestamp && (p.to === undefined || call.timestamp < p.to)) inForce.push(p);
  if (inForce.length === 0) {
    const known = periods.map((p) => `${p.fromText} → ${p.toText ?? "open"}`).join(", ");
    result.plan = {
      unpriced: `no private price for ${call.model} in force at ${formatTimestamp(call.timestamp)}${known ? ` (periods: ${known})` : " (none in pricing/private/)"}`,
    };
    return result;
  }
  const cards: RateCard[] = [];
  for (const p of inForce) cards.push(p.card);
  const chosen = chooseEntry(cards, result.region);
  if (!chosen) {
    result.plan = {
      unpriced: `no private price for ${call.model} in region \`${result.region}\` and no "*" entry in force at ${formatTimestamp(call.timestamp)}`,
    };
    return result;
  }
  const period = inForce[cards.indexOf(chosen)]!;
  result.plan = makePlan("private", chosen, period.source, call);
  return result;
}

function planFromCatalog(model: CatalogModel, region: string | null, call: Call): RatePlan | Unpriced {
  if (model.entries.length === 0) return { unpriced: `catalog model \`${model.model}\` (${model.file}) has no costs` };
  const card = chooseEntry(model.entries, region);
  if (!card) {
    const regions = model.entries.map((e) => e.region).join(", ");
    return {
      unpriced: `catalog model \`${model.model}\` has no cost entry for region \`${region ?? "(none)"}\` and no "*" entry (regions: ${regions})`,
    };
  }
  return makePlan("public", card, model.file, call);
}

/** The entry for exactly `region`, else the `"*"` entry, else none: no silent fallback. */
export function chooseEntry(cards: RateCard[], region: string | null): RateCard | undefined {
  let star: RateCard | undefined;
  for (const card of cards) {
    if (region !== null && card.region === region) return card;
    if (card.region === "*" && star === undefined) star = card;
  }
  return star;
}

function makePlan(source: "public" | "private", card: RateCard, note: string, call: Call): RatePlan {
  const notes: string[] = [];
  const rates = { ...card.rates };
  const fieldOf: EffectiveRates["fieldOf"] = {};
  for (const field of Object.keys(rates) as RateField[]) fieldOf[field] = field;
  let tiers = card.tiers;
  let tierSource = "tiered_pricing";
  let mode = card.pricingMode;

  if (call.service_tier === "priority") {
    if (card.priority) {
      for (const [field, rate] of Object.entries(card.priority.rates) as [RateField, Decimal][]) {
        rates[field] = rate;
        fieldOf[field] = `priority_pricing.${field}`;
      }
      if (card.priority.hasTieredPricing) {
        tiers = card.priority.tiers;
        tierSource = "priority_pricing.tiered_pricing";
        mode = card.priority.pricingMode;
      }
    } else {
      notes.push("service_tier is priority but the entry has no priority_pricing: standard rates apply");
    }
  }

  let flat = false;
  if (call.batch) {
    const inBatch = rates.input_cost_per_token_batches;
    const outBatch = rates.output_cost_per_token_batches;
    if (inBatch || outBatch) {
      flat = true;
      if (inBatch) {
        rates.input_cost_per_token = inBatch;
        fieldOf.input_cost_per_token = fieldOf.input_cost_per_token_batches!;
      }
      if (outBatch) {
        rates.output_cost_per_token = outBatch;
        fieldOf.output_cost_per_token = fieldOf.output_cost_per_token_batches!;
      }
    } else {
      notes.push("batch call but the entry has no *_batches rates: standard rates apply");
    }
  }

  return {
    price_source: source,
    card,
    price_ref: card.ref,
    region_entry: card.region,
    source_note: note,
    effective: {
      rates,
      fieldOf,
      tiers: flat ? {} : tiers,
      tierSource,
      mode: mode ?? "cumulative",
      modeDeclared: mode !== undefined,
      flat,
    },
    notes,
  };
}
