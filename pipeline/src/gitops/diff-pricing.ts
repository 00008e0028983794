import path from "node:path";
import { formatDecimal, parseDecimal, ratio, type Decimal } from "../pricing/money.ts";
import type { PricingBook } from "../pricing/load-pricing.ts";
import type { RateCard } from "../pricing/rate-card.ts";
import type { PricingDiff } from "../schemas/pricing-diff.schema.ts";

interface Entry {
  region: string;
  effective_from: string | null;
  effective_to: string | null;
  source: string | null;
  /** field → decimal text (plain, no exponent), priority fields as `priority_pricing.<field>`. */
  rates: Map<string, string>;
  /** `component@from` → rate text. */
  tiers: Map<string, string>;
  mode: string;
}

type Changes = Omit<PricingDiff, "base" | "head" | "policy_changes" | "budgets" | "impact" | "restatement">;

/**
 * Every difference in what a call would cost between two pricing books (SPEC 8): per
 * gateway model and region (and private period), each rate that changed, regions and
 * models added or removed, tier and pricing-mode changes. Deterministic order.
 */
export function diffPricing(base: PricingBook, head: PricingBook): Changes {
  const before = entriesByModel(base);
  const after = entriesByModel(head);
  const changes: Changes = {
    rate_changes: [],
    models_added: [...after.keys()].filter((m) => !before.has(m)).sort(),
    models_removed: [...before.keys()].filter((m) => !after.has(m)).sort(),
    regions_added: [],
    regions_removed: [],
    tier_changes: [],
    mode_changes: [],
  };
  for (const model of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const old = before.get(model) ?? new Map<string, Entry>();
    const now = after.get(model) ?? new Map<string, Entry>();
    for (const key of [...new Set([...old.keys(), ...now.keys()])].sort()) {
      const a = old.get(key);
      const b = now.get(key);
      const entry = (b ?? a)!;
      if (entry.effective_from === null && before.has(model) && after.has(model)) {
        if (!a) changes.regions_added.push({ model, region: entry.region });
        if (!b) changes.regions_removed.push({ model, region: entry.region });
      }
      for (const field of [...new Set([...(a?.rates.keys() ?? []), ...(b?.rates.keys() ?? [])])].sort()) {
        const x = a?.rates.get(field) ?? null;
        const y = b?.rates.get(field) ?? null;
        if (x === y) continue;
        changes.rate_changes.push({
          model,
          region: entry.region,
          effective_from: entry.effective_from,
          effective_to: b?.effective_to ?? a?.effective_to ?? null,
          field,
          old: x,
          new: y,
          change_share: x !== null && y !== null ? share(parseDecimal(x), parseDecimal(y)) : null,
          source: b?.source ?? a?.source ?? null,
        });
      }
      for (const tier of [...new Set([...(a?.tiers.keys() ?? []), ...(b?.tiers.keys() ?? [])])].sort(compareTier)) {
        const x = a?.tiers.get(tier) ?? null;
        const y = b?.tiers.get(tier) ?? null;
        if (x === y) continue;
        const [component, from] = tier.split("@");
        changes.tier_changes.push({ model, region: entry.region, component: component!, from: Number(from), old: x, new: y });
      }
      if (a && b && a.mode !== b.mode) changes.mode_changes.push({ model, region: entry.region, old: a.mode, new: b.mode });
    }
  }
  return changes;
}

function entriesByModel(book: PricingBook): Map<string, Map<string, Entry>> {
  const out = new Map<string, Map<string, Entry>>();
  for (const account of book.accounts.values()) {
    for (const model of account.models.values()) {
      const name = `${account.name}/${model.name}`;
      const entries = new Map<string, Entry>();
      if (model.cost === "public") {
        const catalog = model.providerModel ? book.catalog.providers.get(account.provider)?.models.get(model.providerModel) : undefined;
        for (const card of catalog?.entries ?? [])
          entries.set(card.region, toEntry(card, null, null, path.relative(path.dirname(book.dir), catalog!.file)));
      } else {
        for (const p of book.privatePrices.get(name) ?? []) {
          entries.set(`${p.card.region}@${p.fromText}`, toEntry(p.card, p.fromText, p.toText ?? null, p.source));
        }
      }
      out.set(name, entries);
    }
  }
  return out;
}

function toEntry(card: RateCard, from: string | null, to: string | null, source: string): Entry {
  const rates = new Map<string, string>();
  for (const [field, rate] of Object.entries(card.rates)) rates.set(field, formatDecimal(rate!));
  for (const [field, rate] of Object.entries(card.priority?.rates ?? {})) rates.set(`priority_pricing.${field}`, formatDecimal(rate!));
  const tiers = new Map<string, string>();
  for (const [component, list] of Object.entries(card.tiers))
    for (const t of list!) tiers.set(`${component}@${t.from}`, formatDecimal(t.rate));
  for (const [component, list] of Object.entries(card.priority?.tiers ?? {})) {
    for (const t of list!) tiers.set(`priority_pricing.${component}@${t.from}`, formatDecimal(t.rate));
  }
  return { region: card.region, effective_from: from, effective_to: to, source, rates, tiers, mode: card.pricingMode ?? "cumulative" };
}

/**
 * What decides the cost of a call priced with `card`: its rates, tiers and pricing mode
 * (not its source or place in the file), as one comparable text.
 */
export function cardFingerprint(card: RateCard): string {
  const { rates, tiers, mode } = toEntry(card, null, null, "");
  return JSON.stringify([card.region, [...rates].sort(), [...tiers].sort(), mode]);
}

/** (new − old) / old, exact. */
function share(old: Decimal, now: Decimal): string | null {
  const scale = Math.max(old.scale, now.scale);
  const a = old.coef * 10n ** BigInt(scale - old.scale);
  const b = now.coef * 10n ** BigInt(scale - now.scale);
  return ratio(b - a, a);
}

function compareTier(x: string, y: string): number {
  const [cx, fx] = x.split("@");
  const [cy, fy] = y.split("@");
  return cx !== cy ? (cx! < cy! ? -1 : 1) : Number(fx) - Number(fy);
}
