/**
 * The dimensions and measures of priced rows, defined once for the pipeline and the site
 * (no imports: the site's browser code loads this file). Every list an output groups by or
 * sums is built here from these names: the run's rollups (engine/rollup.ts), the columns
 * read back from partitions (dataset/read-partitions.ts), the fields an extract may group
 * by (extracts.schema.ts), the site's cube (site-data/) and the site's queries (site/src/client/).
 */

/** Dimensions of a priced row that outputs group by, in the rollups' key order. */
export const ROW_DIMENSIONS = [
  "user",
  "virtual_account",
  "team",
  "model",
  "provider",
  "provider_account",
  "provider_model",
  "region",
  "price_source",
  "policy_status",
] as const;
export type RowDimension = (typeof ROW_DIMENSIONS)[number];

/** Dimensions only the run's statistics group by (why a row is unpriced, which rules it broke, which metadata was overridden). */
export const STATS_DIMENSIONS = ["unpriced_reason", "policy_violations", "metadata_overrides"] as const;

/** Every dimension a run's rollup groups by (the date and metadata keys aside), in key order. */
export const ROLLUP_DIMENSIONS = [...ROW_DIMENSIONS, ...STATS_DIMENSIONS] as const;
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number];

/** Fields an extract may group by (SPEC 6), besides `metadata.<key>`. */
export const GROUP_FIELDS = [
  "date",
  "month",
  ...ROW_DIMENSIONS.filter((d): d is Exclude<RowDimension, "provider_model"> => d !== "provider_model"),
] as const satisfies ReadonlyArray<"date" | "month" | RowDimension>;
export type GroupField = (typeof GROUP_FIELDS)[number] | `metadata.${string}`;

/** The site's cube dimensions, in the cube file's column order (metadata keys follow). */
export const CUBE_DIMENSIONS = [
  "date",
  "team",
  "model",
  "provider_account",
  "region",
  "user",
  "virtual_account",
  "price_source",
  "policy_status",
] as const satisfies ReadonlyArray<"date" | RowDimension>;

/** The FOCUS export's grain, before the metadata keys it tags rows with (focusGrain). */
export const FOCUS_DIMENSIONS = [
  "date",
  "provider",
  "provider_account",
  "model",
  "provider_model",
  "region",
  "team",
  "user",
  "virtual_account",
  "price_source",
] as const satisfies ReadonlyArray<"date" | RowDimension>;

/** Token counts of a priced row. */
export const TOKEN_COLUMNS = ["input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens"] as const;

/**
 * The measures of every extract, the cube and the site's queries, after the group fields:
 * counts as int64, money (nano-USD bigints in memory) as exact decimal totals.
 */
export const MEASURES = [
  { name: "requests", kind: "int64" },
  { name: "input_tokens", kind: "int64" },
  { name: "cache_read_tokens", kind: "int64" },
  { name: "cache_write_tokens", kind: "int64" },
  { name: "output_tokens", kind: "int64" },
  { name: "cost_usd", kind: "money_total" },
  { name: "list_cost_usd", kind: "money_total" },
  { name: "unpriced_requests", kind: "int64" },
] as const;
export type MeasureName = (typeof MEASURES)[number]["name"];
export const MEASURE_NAMES: MeasureName[] = MEASURES.map((m) => m.name);

/**
 * Count measures a rollup group holds, in order: every extract count, the reasoning tokens
 * and the group's priced rows. `requests` and `unpriced_requests` count calls (an aggregate
 * row counts as its `calls`: requestsOf); `rows` counts rows, what the manifest's buckets,
 * a day rollup's `rows` and the ledger count.
 */
export const ROLLUP_COUNTS = ["requests", ...TOKEN_COLUMNS, "unpriced_requests", "rows"] as const;

/**
 * The requests a priced row counts as: its `calls` when it is an aggregate row, else 1. An
 * aggregate of an unknown number of calls (`calls` 0, e.g. Anthropic's usage report) counts
 * as 1: it is at least one call, and no better figure exists.
 */
export function requestsOf(calls: number | bigint | null | undefined): number {
  return Number(calls ?? 0) || 1;
}
/** Money measures a rollup group holds: cost (unpriced: 0), list cost (none: 0), list cost else cost (FOCUS ListCost). */
export const ROLLUP_MONEY = ["cost_usd", "list_cost_usd", "list_or_cost_usd"] as const;

/** A day rollup's grain: the dimensions one output groups a day's rows by, keyed by them. */
export interface Grain {
  key: string;
  dimensions: string[];
}

const grain = (dimensions: readonly string[]): Grain => ({ key: `by:${dimensions.join(",")}`, dimensions: [...dimensions] });

/** The dataset totals' grain (the manifest's days, cost, unpriced requests and policy coverage). */
export const DATASET_GRAIN = grain(["date", "price_source", "policy_status"]);
/** The FOCUS export's grain: FOCUS_DIMENSIONS and the metadata keys its Tags hold (focusTagKeys). */
export const focusGrain = (tagKeys: readonly string[]): Grain => grain([...FOCUS_DIMENSIONS, ...tagKeys.map((k) => `metadata.${k}`)]);
/** The dimensions of the FOCUS export's pieces in a day rollup: the FOCUS grain after the date. */
export const focusPieceDimensions = (focusTags?: readonly string[]): string[] => focusGrain(focusTagKeys(focusTags)).dimensions.slice(1);
/** The site's issues page: unpriced requests by reason and model, violations with their cost. */
export const ISSUES_GRAIN = grain(["unpriced_reason", "model", "policy_violations"]);
/** An extract's grain. */
export const extractGrain = (groupBy: readonly string[]): Grain => grain(groupBy);
/** The site's cube (breakdowns, daily figures, the groupBy builder): CUBE_DIMENSIONS and the site's metadata keys. */
export const cubeGrain = (siteKeys: readonly string[]): Grain => grain([...CUBE_DIMENSIONS, ...siteKeys.map((k) => `metadata.${k}`)]);

/** What budget rules can condition on or be scoped by (policies/budgets.yaml), after the date; the metadata keys they name follow. */
export const BUDGET_DIMENSIONS = ["date", "user", "team", "virtual_account", "model", "provider_account"] as const satisfies ReadonlyArray<
  "date" | RowDimension
>;
/** The budgets' grain (`costs budgets`): BUDGET_DIMENSIONS and the metadata keys budget rules name (sorted). */
export const budgetGrain = (budgetKeys: readonly string[]): Grain =>
  grain([...BUDGET_DIMENSIONS, ...[...new Set(budgetKeys)].sort().map((k) => `metadata.${k}`)]);

/**
 * Every grain a day rollup holds (history/day-rollup.ts), one per distinct dimension list:
 * each extract's, FOCUS, the dataset totals, the issues page, when the site's metadata
 * keys are configured the cube, and when there are budget rules (`budgetKeys`: the metadata
 * keys they name, possibly none) the budgets'.
 */
export function dayGrains(
  extracts: ReadonlyArray<{ group_by: readonly string[] }>,
  siteKeys: readonly string[] | undefined,
  focusTags?: readonly string[],
  budgetKeys?: readonly string[],
): Grain[] {
  const all = [
    ...extracts.map((e) => extractGrain(e.group_by)),
    focusGrain(focusTagKeys(focusTags)),
    DATASET_GRAIN,
    ISSUES_GRAIN,
    ...(siteKeys ? [cubeGrain(siteKeys)] : []),
    ...(budgetKeys ? [budgetGrain(budgetKeys)] : []),
  ];
  return [...new Map(all.map((g) => [g.key, g])).values()];
}

/** The metadata keys a run's partial rollups carry: the extracts', the site's, the FOCUS tags' and the budgets', sorted. */
export function rollupMetadataKeys(
  extracts: ReadonlyArray<{ group_by: readonly string[] }>,
  siteKeys: readonly string[] | undefined,
  focusTags?: readonly string[],
  budgetKeys?: readonly string[],
): string[] {
  const keys = extracts.flatMap((e) => e.group_by.filter((f) => f.startsWith("metadata.")).map((f) => f.slice("metadata.".length)));
  return [...new Set([...keys, ...(siteKeys ?? []), ...(focusTags ?? []), ...(budgetKeys ?? [])])].sort();
}

/**
 * The metadata keys the FOCUS export's Tags hold, sorted: `focus.tags` of
 * policies/extracts.yaml, none without it (each key multiplies the FOCUS grain: opt in).
 */
export function focusTagKeys(focusTags: readonly string[] | undefined): string[] {
  return [...new Set(focusTags ?? [])].sort();
}
