/**
 * Links inside the site. Every internal link goes through `href` so the site works under
 * a base path (GitHub Pages project sites, `SITE_BASE`).
 */
import { toSlug } from "../../../pipeline/src/lib/to-slug.ts";

const BASE = import.meta.env.BASE_URL.endsWith("/") ? import.meta.env.BASE_URL : `${import.meta.env.BASE_URL}/`;

/** `href("users/")` → "/users/" (or "/gateway-costs/users/" under a base). */
export function href(path: string): string {
  return `${BASE}${path.replace(/^\//, "")}`;
}

/**
 * The page of a metadata key: `metadata/<slug>/`, the slug `costs site-data` names the
 * key's breakdown file with (pipeline/src/lib/to-slug.ts). Keys come from clients; a slug
 * never leaves its folder and two keys never share one: `customer_id` → `metadata/customer_id/`,
 * `..` → `metadata/__2e_2e/`, `Customer` → `metadata/__43ustomer/`.
 */
export function metadataHref(key: string): string {
  return href(`metadata/${toSlug(key)}/`);
}

/** Anchors of /methodology/ that headline numbers link to (ids of its headings). */
export const METHOD = {
  totalCost: "total-cost",
  requests: "requests-and-tokens",
  tokens: "requests-and-tokens",
  average: "average-cost-per-request",
  unpriced: "unpriced-calls",
  coverage: "policy-coverage",
  change: "period-over-period-change",
  listCost: "list-cost",
  shares: "breakdowns-and-shares",
  attribution: "attribution-users-teams-and-metadata",
  pseudonyms: "pseudonymised-user-names",
  policy: "metadata-policies",
  prices: "effective-prices",
  pricingMode: "tiers-cumulative-and-marginal",
  private: "private-prices",
  regions: "regions",
  reconciliation: "reconciliation",
  extracts: "extracts-and-exact-totals",
  groupBy: "the-groupby-builder",
  filters: "filters",
  rounding: "exact-money-and-rounding",
  restatement: "restated-days",
  missingColumns: "missing-price-columns",
  gatewayCache: "gateway-cache-hits",
  budgets: "budgets",
} as const;

export function methodHref(anchor: (typeof METHOD)[keyof typeof METHOD]): string {
  return href(`methodology/#${anchor}`);
}
