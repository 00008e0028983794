import { LISTED_CALLS } from "../engine/day-extras.ts";
import { parseNano } from "../pricing/money.ts";
import type { SiteReconciliation } from "../schemas/site-data.schema.ts";
import type { SiteHistory } from "./read-site-history.ts";
import { toVariance } from "./to-variance.ts";

/** `reconciliation.json`: the gateway's reported cost against the computed cost, by model and day, and the 50 largest differences. */
export function reconciliation(history: Pick<SiteHistory, "extras">): SiteReconciliation {
  let reported = 0;
  const byModelDay: SiteReconciliation["by_model_day"] = [];
  const differences: Array<{ day: number; order: number; diff: bigint; row: SiteReconciliation["top_differences"][number] }> = [];
  history.extras.forEach(({ date, extras }, day) => {
    for (const m of extras.reconciliation) {
      reported += m.requests;
      byModelDay.push({
        date,
        model: m.model,
        ...toVariance({
          requests: m.requests,
          reported: BigInt(m.reported_nano),
          computed: BigInt(m.computed_nano),
          // A day rollup from before unpriced calls were counted: a model with no computed cost at all was unpriced.
          unpriced: m.unpriced_requests ?? (m.computed_nano === "0" ? m.requests : 0),
          unpricedReported: BigInt(m.unpriced_reported_nano ?? (m.computed_nano === "0" ? m.reported_nano : "0")),
        }),
      });
    }
    for (const { order, difference_nano, request_id, timestamp, model, reported_usd, computed_usd } of extras.differences) {
      const variance =
        computed_usd === null
          ? null
          : toVariance({ requests: 1, reported: parseNano(reported_usd), computed: parseNano(computed_usd) }).variance_usd!;
      differences.push({
        day,
        order,
        diff: BigInt(difference_nano),
        row: { request_id, timestamp, model, reported_usd, computed_usd, variance_usd: variance },
      });
    }
  });
  // Largest first, ties in input order (day, then position in the day).
  differences.sort((a, b) => (a.diff !== b.diff ? (a.diff > b.diff ? -1 : 1) : a.day - b.day || a.order - b.order));
  return { reported_requests: reported, by_model_day: byModelDay, top_differences: differences.slice(0, LISTED_CALLS).map((d) => d.row) };
}
