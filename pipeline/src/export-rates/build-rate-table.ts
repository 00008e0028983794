import type { Call } from "../pricing/call.ts";
import type { AccountModelRef, ProviderAccount } from "../pricing/load-accounts.ts";
import type { PricingBook } from "../pricing/load-pricing.ts";
import type { Decimal } from "../pricing/money.ts";
import type { ComponentName } from "../pricing/price-call.ts";
import type { RateCard } from "../pricing/rate-card.ts";
import { isUnpriced, resolveRate, type RatePlan, type Resolution, type Unpriced } from "../pricing/resolve-rate.ts";
import { toComponentRates } from "./to-component-rates.ts";

/** The four ways a call can be billed; each has its own rates (SPEC 4.4 step 3). */
export const VARIANTS = [
  { variant: "standard", batch: false, service_tier: null },
  { variant: "batch", batch: true, service_tier: null },
  { variant: "priority", batch: false, service_tier: "priority" },
  { variant: "priority_batch", batch: true, service_tier: "priority" },
] as const;
export type Variant = (typeof VARIANTS)[number]["variant"];

/**
 * One row of the resolved rate table (docs/export-rates.md):
 * - `account`: a provider account (who a model name's prefix belongs to);
 * - `model`: a gateway model, its provider model, declared `cost` and default region;
 * - `entry`: a price entry the model can be priced from (a catalog region entry or a
 *   private price period), for `cost_usd` or for `list_cost_usd`;
 * - `rate`: one rate of an entry, per variant, component and tier.
 */
export interface RateRow {
  kind: "account" | "model" | "entry" | "rate";
  model: string | null;
  provider_account: string;
  provider: string;
  provider_model: string | null;
  applies_to: "cost" | "list" | null;
  price_source: "public" | "private" | null;
  price_ref: string | null;
  source: string | null;
  region: string | null;
  default_region: string | null;
  /** Epoch ms, inclusive; null: always. */
  effective_from: number | null;
  /** Epoch ms, exclusive; null: open-ended. */
  effective_to: number | null;
  variant: Variant | null;
  component: ComponentName | null;
  tier_from: number | null;
  tier_to: number | null;
  pricing_mode: "cumulative" | "marginal" | null;
  rate: Decimal | null;
  rate_field: string | null;
}

/** A region no cost entry has: asking the engine for it selects the `"*"` entry. */
const NO_SUCH_REGION = "\u0000";

const EMPTY: Omit<RateRow, "kind" | "provider_account" | "provider"> = {
  model: null,
  provider_model: null,
  applies_to: null,
  price_source: null,
  price_ref: null,
  source: null,
  region: null,
  default_region: null,
  effective_from: null,
  effective_to: null,
  variant: null,
  component: null,
  tier_from: null,
  tier_to: null,
  pricing_mode: null,
  rate: null,
  rate_field: null,
};

/**
 * Every rate a call can be priced at, resolved by the engine itself: for each entry and
 * variant, `resolveRate` is asked for a call that selects exactly that entry, so the batch
 * and priority overlays are the engine's. `refBase` is stripped from `price_ref` like the
 * priced rows do (`pricing/catalog/…#costs[1]`).
 */
export function buildRateTable(book: PricingBook, refBase: string): RateRow[] {
  const rows: RateRow[] = [];
  const accounts = [...book.accounts.values()].sort((a, b) => compareText(a.name, b.name));
  for (const account of accounts) {
    rows.push({
      ...EMPTY,
      kind: "account",
      provider_account: account.name,
      provider: account.provider,
      default_region: account.region ?? null,
    });
    for (const model of [...account.models.values()].sort((a, b) => compareText(a.name, b.name))) {
      addModel(rows, book, account, model, refBase);
    }
  }
  return rows;
}

function addModel(rows: RateRow[], book: PricingBook, account: ProviderAccount, model: AccountModelRef, refBase: string): void {
  const gatewayModel = `${account.name}/${model.name}`;
  const catalogModel = model.providerModel ? book.catalog.providers.get(account.provider)?.models.get(model.providerModel) : undefined;
  const costRegion = account.region ?? (model.cost === "public" ? catalogModel?.defaultRegion : undefined) ?? null;
  const base = {
    ...EMPTY,
    model: gatewayModel,
    provider_account: account.name,
    provider: account.provider,
    provider_model: model.providerModel ?? null,
  };
  rows.push({ ...base, kind: "model", price_source: model.cost, default_region: costRegion });
  const entry = { book, rows, refBase, gatewayModel };
  if (model.cost === "public") {
    for (const card of catalogModel?.entries ?? []) {
      addEntry(entry, { ...base, applies_to: "cost", default_region: costRegion }, card, 0, (r) => r.plan);
    }
    return;
  }
  for (const period of book.privatePrices.get(gatewayModel) ?? []) {
    const row = { ...base, applies_to: "cost" as const, default_region: costRegion, source: period.source };
    addEntry(entry, { ...row, effective_from: period.from, effective_to: period.to ?? null }, period.card, period.from, (r) => r.plan);
  }
  // list_cost_usd of a private model: its provider_model's catalog entries (SPEC 4.4 step 7)
  const listRegion = account.region ?? catalogModel?.defaultRegion ?? null;
  for (const card of catalogModel?.entries ?? []) {
    addEntry(entry, { ...base, applies_to: "list", default_region: listRegion }, card, 0, (r) => r.list);
  }
}

interface EntryContext {
  book: PricingBook;
  rows: RateRow[];
  refBase: string;
  gatewayModel: string;
}

/** Adds the entry row of `card` and its rates for each variant, as the engine resolves them. */
function addEntry(
  context: EntryContext,
  row: Omit<RateRow, "kind">,
  card: RateCard,
  timestamp: number,
  pick: (resolution: Resolution) => RatePlan | Unpriced | null,
): void {
  const { book, rows, refBase, gatewayModel } = context;
  const price_ref = refBase && card.ref.startsWith(`${refBase}/`) ? card.ref.slice(refBase.length + 1) : card.ref;
  const entryRow: RateRow = { ...row, kind: "entry", price_ref, region: card.region };
  let source: "public" | "private" | null = null;
  const rates: RateRow[] = [];
  for (const { variant, batch, service_tier } of VARIANTS) {
    const call: Call = {
      model: gatewayModel,
      timestamp,
      region: card.region === "*" ? NO_SUCH_REGION : card.region,
      input_tokens: 0,
      output_tokens: 0,
      batch,
      service_tier,
    };
    const plan = pick(resolveRate(book, call));
    if (plan === null || isUnpriced(plan) || plan.card !== card) {
      throw new Error(`export-rates: the engine did not select ${card.ref} for ${gatewayModel} (${variant})`);
    }
    source = plan.price_source;
    for (const rate of toComponentRates(plan.effective)) {
      rates.push({ ...entryRow, kind: "rate", variant, ...rate });
    }
  }
  rows.push({ ...entryRow, price_source: source });
  for (const rate of rates) rows.push({ ...rate, price_source: source });
}

/** Code-point order, the same on every machine (no locale). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
