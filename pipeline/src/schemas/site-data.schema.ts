import { z } from "zod";
import { BudgetReportSchema } from "./budget-report.schema.ts";
import { RestatementSchema } from "./restatement.schema.ts";

/**
 * The data the report site is built from: JSON files that `costs site-data` writes into
 * `site/.data/` (and the cube, extracts and FOCUS files it copies into
 * `site/public/data/`). Shared by the pipeline (writer) and the site (reader). Money is
 * always a decimal string with 9 places ("12.345678900"); shares and changes are decimal
 * strings too, never binary floats. Every string that came from a log (users, metadata
 * values, models) must be escaped when shown.
 */
const Money = z.string().regex(/^-?\d+\.\d{9}$/);
/** A ratio as a decimal string with 6 places ("0.981234"), or null when undefined (0/0). */
const Share = z
  .string()
  .regex(/^-?\d+\.\d{6}$/)
  .nullable();

export const TotalsSchema = z.object({
  requests: z.number(),
  input_tokens: z.number(),
  cache_read_tokens: z.number(),
  cache_write_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: Money,
  list_cost_usd: Money,
  unpriced_requests: z.number(),
  /** cost_usd / priced requests. */
  avg_cost_per_request_usd: Money,
  /** Share of cost on rows with policy_status ok. */
  policy_coverage: Share,
});

/**
 * A price field (schemas/price-fields.ts) the last run's inputs had no value for, added up
 * over those files (manifest.json `price_assumptions`): its rows were priced with
 * `assumption`; `rows_affected` of them, costing `cost_affected_usd`, are for models whose
 * price depends on it (`depends_on`), so they may be priced wrong.
 */
export const PriceAssumptionSchema = z.object({
  field: z.string(),
  assumption: z.string(),
  depends_on: z.string(),
  files: z.array(z.string()),
  rows: z.number(),
  rows_affected: z.number(),
  cost_affected_usd: Money,
});
export type PriceAssumption = z.infer<typeof PriceAssumptionSchema>;

/** `summary.json`: the overview's numbers. Equal to manifest.json's dataset totals. */
export const SiteSummarySchema = z.object({
  generated_at: z.string(),
  pricing_version: z.string(),
  /** First and last UTC date with data, and the number of days. */
  period: z.object({ from: z.string(), to: z.string(), days: z.number() }),
  totals: TotalsSchema,
  /** The last 7 days with data against the 7 before them (null without 14 days). */
  period_over_period: z
    .object({
      current: z.object({ from: z.string(), to: z.string(), cost_usd: Money, requests: z.number() }),
      previous: z.object({ from: z.string(), to: z.string(), cost_usd: Money, requests: z.number() }),
      /** (current − previous) / previous, null when previous is 0. */
      cost_change: Share,
    })
    .nullable(),
  /** manifest.json counts of the last run. */
  counts: z.record(z.string(), z.number()),
  /** Metadata keys that have a page (from policies/extracts.yaml `site.metadata_keys`, else all seen keys up to 8). */
  metadata_keys: z.array(z.string()),
  /** Daily cost for the trend chart: one row per date and model and team. */
  daily: z.array(
    z.object({
      date: z.string(),
      model: z.string(),
      team: z.string(),
      requests: z.number(),
      cost_usd: Money,
      /** Of `requests`, those that could not be priced (0 in files from before they were counted). */
      unpriced_requests: z.number().default(0),
    }),
  ),
  /**
   * Days of the period whose figures a `costs restate` changed (a backdated price), oldest
   * restatement first, as `<data>/restatements.json` records them: the overview shows
   * "restated on DATE: old → new" beside them. Empty when none was.
   */
  restatements: z.array(RestatementSchema).default([]),
  /** The price columns the last run's inputs lacked (the overview's banner); empty when none, or for a manifest from before they were reported. */
  price_assumptions: z.array(PriceAssumptionSchema).default([]),
  /** Calls the gateway answered from its own cache (price_source `gateway_cache`), priced at the gateway's cost, in the whole period. */
  gateway_cache: z.object({ requests: z.number(), cost_usd: Money }).default({ requests: 0, cost_usd: "0.000000000" }),
  /**
   * true when `costs site-data --pseudonymise-users` replaced every user name in the site's
   * files by a salted pseudonym (`user-` + hex digits); absent when the names are real.
   */
  users_pseudonymised: z.boolean().optional(),
});
export type SiteSummary = z.infer<typeof SiteSummarySchema>;

export const BreakdownRowSchema = z.object({
  /** null = the value is absent (no user, no such metadata key). */
  key: z.string().nullable(),
  requests: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: Money,
  list_cost_usd: Money,
  unpriced_requests: z.number(),
  /** Share of the total cost. */
  share: Share,
});

/** `breakdown-<dimension>.json` for user, model, team and metadata.<key>: totals per value and daily cost of the top values. */
export const BreakdownSchema = z.object({
  dimension: z.string(),
  rows: z.array(BreakdownRowSchema),
  /**
   * Daily cost of the 10 costliest values; the rest summed per day in one row with
   * `other: true` and key null (so a log value "(other)" is never taken for the rest).
   */
  daily: z.array(
    z.object({
      date: z.string(),
      key: z.string().nullable(),
      cost_usd: Money,
      other: z.literal(true).optional(),
      /** The day's requests of the value, and of them those that could not be priced (0 in files from before they were written): the charts draw no $0 for unpriced calls. */
      requests: z.number().default(0),
      unpriced_requests: z.number().default(0),
    }),
  ),
});
export type Breakdown = z.infer<typeof BreakdownSchema>;

/** `issues.json`: the unpriced bucket and policy breaks. */
export const SiteIssuesSchema = z.object({
  unpriced: z.array(z.object({ reason: z.string(), requests: z.number(), models: z.array(z.string()) })),
  policy_status: z.array(z.object({ status: z.string(), requests: z.number(), cost_usd: Money })),
  violations: z.array(z.object({ violation: z.string(), requests: z.number(), cost_usd: Money })),
  /** Per input file of the last run and price field it had no value for (manifest.json `inputs[].missing_price_columns`). */
  missing_price_columns: z
    .array(
      z.object({
        file: z.string(),
        field: z.string(),
        assumption: z.string(),
        depends_on: z.string(),
        rows: z.number(),
        rows_affected: z.number(),
        cost_affected_usd: Money,
        first_request_ids: z.array(z.string()),
      }),
    )
    .default([]),
  /** Up to 50 example calls per bucket, newest first. */
  examples: z.array(
    z.object({
      request_id: z.string(),
      timestamp: z.string(),
      model: z.string(),
      user: z.string().nullable(),
      team: z.string(),
      price_source: z.string(),
      unpriced_reason: z.string().nullable(),
      policy_status: z.string(),
      policy_violations: z.array(z.string()),
    }),
  ),
});
export type SiteIssues = z.infer<typeof SiteIssuesSchema>;

/** `prices.json`: the effective prices of every declared gateway model. */
export const SitePricesSchema = z.object({
  models: z.array(
    z.object({
      model: z.string(),
      provider: z.string(),
      provider_model: z.string().nullable(),
      cost: z.enum(["public", "private"]),
      account_region: z.string().nullable(),
      entries: z.array(
        z.object({
          /** Region id or "*". */
          region: z.string(),
          /** For private prices: the period; null for the catalog. */
          effective_from: z.string().nullable(),
          effective_to: z.string().nullable(),
          source: z.string(),
          ref: z.string(),
          /** Rate field → decimal text, USD per unit. */
          rates: z.record(z.string(), z.string()),
          tiers: z.array(z.object({ component: z.string(), from: z.number(), rate: z.string() })),
          pricing_mode: z.enum(["cumulative", "marginal"]),
          pricing_mode_declared: z.boolean(),
          priority: z.record(z.string(), z.string()).nullable(),
        }),
      ),
    }),
  ),
  /** Changes to pricing/ read from git: newest first (empty outside a git checkout). */
  history: z.array(z.object({ commit: z.string(), date: z.string(), author: z.string(), subject: z.string(), files: z.array(z.string()) })),
});
export type SitePrices = z.infer<typeof SitePricesSchema>;

/** `reconciliation.json`: the gateway's reported cost against ours, where logs carry it. */
export const SiteReconciliationSchema = z.object({
  reported_requests: z.number(),
  by_model_day: z.array(
    z.object({
      date: z.string(),
      model: z.string(),
      requests: z.number(),
      reported_usd: Money,
      computed_usd: Money,
      /** computed − reported of the priced calls (reported − unpriced_reported_usd); null when every call is unpriced. */
      variance_usd: Money.nullable(),
      variance_share: Share,
      /** Of `requests`, the calls that could not be priced (no computed cost), and their reported cost; 0 in files from before they were counted. */
      unpriced_requests: z.number().default(0),
      unpriced_reported_usd: Money.default("0.000000000"),
    }),
  ),
  /** The 50 calls whose |computed − reported| is largest. */
  top_differences: z.array(
    z.object({
      request_id: z.string(),
      timestamp: z.string(),
      model: z.string(),
      reported_usd: Money,
      computed_usd: z.string().nullable(),
      variance_usd: z.string().nullable(),
    }),
  ),
});
export type SiteReconciliation = z.infer<typeof SiteReconciliationSchema>;

export const DownloadFileSchema = z.object({
  /** Path under the site root, e.g. `data/extracts/cost-by-user.csv`. */
  href: z.string(),
  format: z.string(),
  rows: z.number(),
  bytes: z.number(),
  sha256: z.string(),
});

/** `downloads.json`: the nightly extracts and the cube the groupBy builder reads. */
export const SiteDownloadsSchema = z.object({
  extracts: z.array(
    z.object({
      name: z.string(),
      description: z.string().nullable(),
      group_by: z.array(z.string()),
      cost_usd: Money,
      /** Column name → type (string, int64, decimal(38,9)). */
      schema: z.array(z.object({ name: z.string(), type: z.string() })),
      files: z.array(DownloadFileSchema),
    }),
  ),
  focus: z.array(DownloadFileSchema),
  /**
   * The cube: priced rows summed by date, team, model, provider_account, region, user,
   * virtual_account, price_source, policy_status and the site's metadata keys (columns
   * `metadata.<key>`), with requests, token sums, cost_usd / list_cost_usd as DECIMAL(38,9)
   * and unpriced_requests. Its cost sums to summary.totals.cost_usd.
   */
  cube: DownloadFileSchema.extend({
    dimensions: z.array(z.string()),
    measures: z.array(z.string()),
    /**
     * The cube split by a dimension's value (pipeline/src/site-data/write-cube-parts.ts):
     * every row of a value is in shard `shardOf(value, count)` (the absent value's in shard
     * `count`), the file `<href><i>.parquet`. Empty for a small cube.
     */
    shards: z
      .array(z.object({ dimension: z.string(), count: z.number().int().positive(), href: z.string(), rows: z.number(), bytes: z.number() }))
      .default([]),
    /** The cube summed over its dimensions of many values (the same file's measures, fewer rows). Empty for a small cube. */
    projections: z.array(z.object({ dimensions: z.array(z.string()), href: z.string(), rows: z.number(), bytes: z.number() })).default([]),
  }),
});
export type SiteDownloads = z.infer<typeof SiteDownloadsSchema>;

/**
 * `budgets.json`: the Budgets page. `costs budgets --format json` at the data's last day
 * (the same computation, budgets/compute-budgets.ts), each budget's current period with its
 * burn-down (`current.daily`). No policies/budgets.yaml: no rules. With
 * `--pseudonymise-users`, scope values that are user names are their pseudonyms; a per-user
 * budget whose user has no pseudonym is left out and its rule named in `withheld_rules`.
 */
export const SiteBudgetsSchema = BudgetReportSchema.extend({ withheld_rules: z.array(z.string()) });
export type SiteBudgets = z.infer<typeof SiteBudgetsSchema>;
