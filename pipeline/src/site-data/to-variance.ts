import { formatNano, ratio } from "../pricing/money.ts";

/** Reported against computed cost of some requests, as the site shows it (reconciliation.json rows and the site's per-model table). */
export function toVariance(group: { requests: number; reported: bigint; computed: bigint }) {
  return {
    requests: group.requests,
    reported_usd: formatNano(group.reported),
    computed_usd: formatNano(group.computed),
    variance_usd: formatNano(group.computed - group.reported),
    variance_share: ratio(group.computed - group.reported, group.reported),
  };
}
