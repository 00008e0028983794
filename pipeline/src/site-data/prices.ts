import { simpleGit } from "simple-git";
import { formatDecimal } from "../pricing/money.ts";
import type { PricingBook } from "../pricing/load-pricing.ts";
import type { RateCard, Rates } from "../pricing/rate-card.ts";
import type { SitePrices } from "../schemas/site-data.schema.ts";

type Entry = SitePrices["models"][number]["entries"][number];

/** Effective prices of every declared gateway model: catalog region entries or private periods. */
export function effectivePrices(book: PricingBook, display: (file: string) => string): SitePrices["models"] {
  const models: SitePrices["models"] = [];
  for (const account of [...book.accounts.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    for (const model of [...account.models.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const name = `${account.name}/${model.name}`;
      let entries: Entry[];
      if (model.cost === "public") {
        const catalog = model.providerModel ? book.catalog.providers.get(account.provider)?.models.get(model.providerModel) : undefined;
        entries = (catalog?.entries ?? []).map((card) => toEntry(card, null, null, display(catalog!.file), display));
      } else {
        entries = (book.privatePrices.get(name) ?? []).map((p) => toEntry(p.card, p.fromText, p.toText ?? null, p.source, display));
      }
      models.push({
        model: name,
        provider: account.provider,
        provider_model: model.providerModel ?? null,
        cost: model.cost,
        account_region: account.region ?? null,
        entries,
      });
    }
  }
  return models;
}

function toEntry(card: RateCard, from: string | null, to: string | null, source: string, display: (file: string) => string): Entry {
  return {
    region: card.region,
    effective_from: from,
    effective_to: to,
    source,
    ref: display(card.ref),
    rates: rates(card),
    tiers: Object.entries(card.tiers).flatMap(([component, tiers]) =>
      tiers!.map((t) => ({ component, from: t.from, rate: formatDecimal(t.rate) })),
    ),
    pricing_mode: card.pricingMode ?? "cumulative",
    pricing_mode_declared: card.pricingMode !== undefined,
    priority: card.priority ? rates(card.priority) : null,
  };
}

function rates(r: Rates): Record<string, string> {
  return Object.fromEntries(Object.entries(r.rates).map(([field, rate]) => [field, formatDecimal(rate!)]));
}

/** Commits that changed the pricing folder, newest first; empty outside a git repository. */
export async function priceHistory(repo: string, pricingPath: string, limit = 200): Promise<SitePrices["history"]> {
  try {
    const git = simpleGit({ baseDir: repo });
    if (!(await git.checkIsRepo())) return [];
    const raw = await git.raw(["log", `-n${limit}`, "--format=%x1e%H%x1f%cI%x1f%an%x1f%s", "--name-only", "--", pricingPath]);
    return raw
      .split("\x1e")
      .filter((chunk) => chunk.trim())
      .map((chunk) => {
        const [head, ...files] = chunk.trim().split("\n");
        const [commit, date, author, subject] = head!.split("\x1f");
        return { commit: commit!, date: date!, author: author!, subject: subject!, files: files.filter(Boolean) };
      });
  } catch {
    return [];
  }
}
