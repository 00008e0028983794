import { formatNano, ratio } from "../pricing/money.ts";

/**
 * Reported against computed cost of some requests, as the site shows it (reconciliation.json
 * rows and the site's per-model table). Unpriced calls have no computed cost, so the
 * variance compares the priced calls only: computed − (reported − reported of unpriced calls);
 * null (not zero, not −100 %) when every call is unpriced.
 */
export function toVariance(group: { requests: number; reported: bigint; computed: bigint; unpriced?: number; unpricedReported?: bigint }) {
  const unpriced = group.unpriced ?? 0;
  const pricedReported = group.reported - (group.unpricedReported ?? 0n);
  const allUnpriced = group.requests > 0 && unpriced >= group.requests;
  return {
    requests: group.requests,
    reported_usd: formatNano(group.reported),
    computed_usd: formatNano(group.computed),
    variance_usd: allUnpriced ? null : formatNano(group.computed - pricedReported),
    variance_share: allUnpriced ? null : ratio(group.computed - pricedReported, pricedReported),
    unpriced_requests: unpriced,
    unpriced_reported_usd: formatNano(group.unpricedReported ?? 0n),
  };
}
