import path from "node:path";
import { throwOnErrors, type Problem } from "../lib/errors.ts";
import { closest } from "../lib/suggest.ts";
import { loadAccounts, type ProviderAccount } from "./load-accounts.ts";
import { loadCatalog, type Catalog } from "./load-catalog.ts";
import { loadPrivatePrices, type PrivatePricePeriod } from "./load-private-prices.ts";

/** Everything under `pricing/` that decides a cost, loaded and cross-checked. */
export interface PricingBook {
  dir: string;
  catalog: Catalog;
  accounts: Map<string, ProviderAccount>;
  /** Private price periods by gateway model name, sorted by `from`. */
  privatePrices: Map<string, PrivatePricePeriod[]>;
}

/**
 * Loads `catalog/`, `accounts/` and `private/` under `dir` and checks how they fit
 * together. Returns every problem found (errors and warnings); never throws for a
 * problem in a file, only when `dir` itself is missing.
 */
export async function loadPricing(dir: string): Promise<{ book: PricingBook; problems: Problem[] }> {
  const [{ catalog, problems: catalogProblems }, { accounts, problems: accountProblems }, { prices, problems: priceProblems }] =
    await Promise.all([
      loadCatalog(path.join(dir, "catalog")),
      loadAccounts(path.join(dir, "accounts")),
      loadPrivatePrices(path.join(dir, "private")),
    ]);
  const book: PricingBook = { dir, catalog, accounts, privatePrices: prices };
  const failed = (list: Problem[]) => list.some((p) => p.severity !== "warning");
  const checks = { accountsLoaded: !failed(accountProblems), pricesLoaded: !failed(priceProblems), catalogProblems };
  const problems = [...catalogProblems, ...accountProblems, ...priceProblems, ...crossCheck(book, checks)];
  return { book, problems };
}

/** Loads pricing and stops with every error when there is one (warnings pass). */
export async function loadPricingOrThrow(dir: string): Promise<PricingBook> {
  const { book, problems } = await loadPricing(dir);
  throwOnErrors(problems);
  return book;
}

/**
 * How accounts, private prices and the catalog fit together. A check whose input file
 * failed to load is skipped, so one broken file does not drown in follow-on errors.
 */
function crossCheck(
  book: PricingBook,
  loaded: { accountsLoaded: boolean; pricesLoaded: boolean; catalogProblems: Problem[] },
): Problem[] {
  const problems: Problem[] = [];
  const brokenProviders = new Set(
    loaded.catalogProblems
      .filter((p) => p.file && p.severity !== "warning")
      .map((p) => path.relative(path.join(book.catalog.dir, "providers"), p.file!).split(path.sep)[0]),
  );
  const providers = book.catalog.providers;
  for (const account of book.accounts.values()) {
    const provider = providers.get(account.provider);
    if (!provider) {
      const guess = closest(account.provider, providers.keys());
      problems.push({
        file: account.file,
        field: "provider",
        message: `unknown provider \`${account.provider}\`: there is no folder ${path.join(book.catalog.dir, "providers", account.provider)}`,
        hint: guess ? `did you mean \`${guess}\`?` : `use one of: ${[...providers.keys()].join(", ")}`,
      });
      continue;
    }
    for (const model of account.models.values()) {
      const field = `models[${[...account.models.keys()].indexOf(model.name)}]`;
      if (brokenProviders.has(account.provider)) continue;
      if (model.cost === "public") {
        const entry = provider.models.get(model.providerModel!);
        if (!entry) {
          const guess = closest(model.providerModel!, provider.models.keys());
          problems.push({
            file: model.file,
            line: model.line,
            field: `${field}.provider_model`,
            message: `\`${model.providerModel}\` is not a model of the catalog provider \`${account.provider}\``,
            hint: guess
              ? `did you mean \`${guess}\`?`
              : "set provider_model to the `model:` value of a file under pricing/catalog/providers/" + account.provider,
          });
        } else if (entry.entries.length === 0) {
          problems.push({
            severity: "warning",
            file: model.file,
            line: model.line,
            field: `${field}.provider_model`,
            message: `catalog model \`${entry.model}\` (${entry.file}) has no costs: calls to ${account.name}/${model.name} will be unpriced`,
            hint: "add a private price for it (cost: private) or a costs block to the catalog",
          });
        }
      } else {
        if (loaded.pricesLoaded && !book.privatePrices.has(`${account.name}/${model.name}`)) {
          problems.push({
            severity: "warning",
            file: model.file,
            line: model.line,
            field: `${field}.cost`,
            message: `${account.name}/${model.name} is private but no file under pricing/private/ prices it: its calls will be unpriced`,
            hint: `add a price with \`model: ${account.name}/${model.name}\` to a file in pricing/private/`,
          });
        }
        if (model.providerModel && !provider.models.has(model.providerModel)) {
          problems.push({
            file: model.file,
            line: model.line,
            field: `${field}.provider_model`,
            message: `\`${model.providerModel}\` is not a model of the catalog provider \`${account.provider}\` (used for list_cost_usd)`,
            hint: "fix the id, or remove provider_model to report no list price",
          });
        }
      }
    }
  }
  if (!loaded.accountsLoaded) return problems;
  for (const [modelName, periods] of book.privatePrices) {
    const slash = modelName.indexOf("/");
    const account = book.accounts.get(modelName.slice(0, slash));
    const declared = account?.models.get(modelName.slice(slash + 1));
    if (declared?.cost === "private") continue;
    for (const period of periods) {
      const problem: Problem = {
        file: period.card.file,
        field: `${period.card.ref.split("#")[1]}.model`,
        message: !account
          ? `unknown provider account \`${modelName.slice(0, slash)}\``
          : !declared
            ? `account \`${account.name}\` has no model \`${modelName.slice(slash + 1)}\``
            : `${modelName} is declared \`cost: public\` in ${declared.file}, so this private price would never be used`,
        hint: !account
          ? `declare it in pricing/accounts/ or fix the name (accounts: ${[...book.accounts.keys()].join(", ")})`
          : `declare it in ${account.file} with \`cost: private\``,
      };
      if (period.card.line !== undefined) problem.line = period.card.line;
      problems.push(problem);
    }
  }
  return problems;
}
