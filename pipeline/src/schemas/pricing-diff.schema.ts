import { z } from "zod";

/**
 * What `costs diff` reports about a pricing change (SPEC 8): rate, region, tier, mode and
 * policy changes between two git refs, and the impact on recent priced usage. The markdown
 * of the pull-request comment is rendered from this JSON, never recomputed. Money and
 * shares are decimal strings (shares: 6 places, "0.052000" = 5.2 %).
 */
const Money = z.string().regex(/^-?\d+\.\d{9}$/);
const Share = z
  .string()
  .regex(/^-?\d+\.\d{6}$/)
  .nullable();

const Side = z.object({ ref: z.string(), commit: z.string() });

export const RateChangeSchema = z.object({
  /** Gateway model name `<account>/<model>`. */
  model: z.string(),
  region: z.string(),
  /** Private price period, when the price is private. */
  effective_from: z.string().nullable(),
  effective_to: z.string().nullable(),
  /** Rate field, e.g. `input_cost_per_token` or `priority_pricing.output_cost_per_token`. */
  field: z.string(),
  old: z.string().nullable(),
  new: z.string().nullable(),
  /** (new − old) / old; null when added or removed. */
  change_share: Share,
  /** The private price's `source`, or the catalog file. */
  source: z.string().nullable(),
});

const ImpactRow = z.object({ key: z.string(), base_cost_usd: Money, head_cost_usd: Money, change_usd: Money, change_share: Share });

export const PricingDiffSchema = z.object({
  base: Side,
  head: Side,
  rate_changes: z.array(RateChangeSchema),
  models_added: z.array(z.string()),
  models_removed: z.array(z.string()),
  regions_added: z.array(z.object({ model: z.string(), region: z.string() })),
  regions_removed: z.array(z.object({ model: z.string(), region: z.string() })),
  tier_changes: z.array(
    z.object({
      model: z.string(),
      region: z.string(),
      component: z.string(),
      from: z.number(),
      old: z.string().nullable(),
      new: z.string().nullable(),
    }),
  ),
  mode_changes: z.array(z.object({ model: z.string(), region: z.string(), old: z.string(), new: z.string() })),
  policy_changes: z.array(
    z.object({ file: z.string(), kind: z.enum(["added", "removed", "changed"]), name: z.string(), detail: z.string() }),
  ),
  /** Null when no priced usage was given (--usage) or it had no rows in the window. */
  impact: z
    .object({
      days: z.number(),
      from: z.string(),
      to: z.string(),
      rows: z.number(),
      base_cost_usd: Money,
      head_cost_usd: Money,
      change_usd: Money,
      change_share: Share,
      by_model: z.array(ImpactRow),
      by_team: z.array(ImpactRow),
    })
    .nullable(),
  /**
   * The days already priced that the change restates once merged (the nightly runs
   * `costs restate --since --until` over them): days covered by a dated private price
   * change, up to yesterday, and with --usage only days whose usage has calls in a changed
   * range. `since`/`until` null: nothing is restated, `reason` says why (catalog prices
   * apply forward only). `days`: days in the window (with --usage, days of usage);
   * `change_usd`: their re-priced usage, head − base (null without --usage). The whole
   * field is null when no price changes.
   */
  /**
   * Budget rules of policies/budgets.yaml added or changed, each simulated over the last
   * `--days` days of `--usage` (gitops/diff-budgets.ts); `window` null and `limits` empty
   * without usage.
   */
  budgets: z
    .array(
      z.object({
        rule: z.string(),
        change: z.enum(["added", "changed"]),
        mode: z.enum(["enforce", "audit"]),
        applies_to: z.string(),
        window: z.object({ from: z.string(), to: z.string(), days: z.number() }).nullable(),
        limits: z.array(
          z.object({
            period: z.enum(["day", "week", "month", "quarter"]),
            limit_usd: Money,
            scopes: z.number(),
            crossings: z.number(),
            scopes_crossed: z.number(),
            first_crossed_on: z.string().nullable(),
            first_scope: z.string().nullable(),
            after_requests: z.number(),
            after_usd: Money,
            peak_share: z.string(),
          }),
        ),
      }),
    )
    .default([]),
  restatement: z
    .object({
      since: z.string().nullable(),
      until: z.string().nullable(),
      days: z.number().nullable(),
      change_usd: Money.nullable(),
      reason: z.string(),
    })
    .nullable()
    .default(null),
});
export type PricingDiff = z.infer<typeof PricingDiffSchema>;
