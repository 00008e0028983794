/**
 * Links inside the site. Every internal link goes through `href` so the site works under
 * a base path (GitHub Pages project sites, `SITE_BASE`).
 */
const BASE = import.meta.env.BASE_URL.endsWith("/") ? import.meta.env.BASE_URL : `${import.meta.env.BASE_URL}/`;

/** `href("users/")` → "/users/" (or "/gateway-costs/users/" under a base). */
export function href(path: string): string {
  return `${BASE}${path.replace(/^\//, "")}`;
}

/**
 * The URL segment of a metadata key's page: the key itself when it is a plain name,
 * else a stable escaped form (keys come from logs and policies).
 */
export function metadataSlug(key: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(key)) return key;
  return `k-${Array.from(new TextEncoder().encode(key), (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export function metadataHref(key: string): string {
  return href(`metadata/${metadataSlug(key)}/`);
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
} as const;

export function methodHref(anchor: (typeof METHOD)[keyof typeof METHOD]): string {
  return href(`methodology/#${anchor}`);
}
