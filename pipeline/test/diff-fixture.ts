import type { PricingDiff } from "../src/schemas/pricing-diff.schema.ts";

/** A pricing diff with no rate changes and an impact of `change_usd` / `change_share` on 2,000 USD of usage. */
export function diffWithImpact(change_usd: string, change_share: string | null): PricingDiff {
  return {
    base: { ref: "main", commit: "a".repeat(40) },
    head: { ref: "pr", commit: "b".repeat(40) },
    rate_changes: [],
    models_added: [],
    models_removed: [],
    regions_added: [],
    regions_removed: [],
    tier_changes: [],
    mode_changes: [],
    policy_changes: [],
    budgets: [],
    impact: {
      days: 30,
      from: "2026-06-01",
      to: "2026-06-30",
      rows: 12,
      base_cost_usd: "2000.000000000",
      head_cost_usd: "2000.000000000",
      change_usd,
      change_share,
      by_model: [],
      by_team: [],
    },
    restatement: null,
  };
}
