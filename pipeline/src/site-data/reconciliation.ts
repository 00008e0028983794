import { formatNano } from "../pricing/money.ts";
import type { SiteReconciliation } from "../schemas/site-data.schema.ts";
import { toVariance } from "./to-variance.ts";

/** `reconciliation.json`: the gateway's reported cost against the computed cost, by model and day, and the 50 largest differences. */
export function reconciliation(rows: Record<string, unknown[]>): SiteReconciliation {
  const groups = new Map<string, { date: string; model: string; requests: number; reported: bigint; computed: bigint }>();
  const differences: { i: number; diff: bigint }[] = [];
  let reported = 0;
  for (let i = 0; i < rows.request_id!.length; i++) {
    const r = rows.reported_cost_usd![i] as bigint | null;
    if (r === null || r === undefined) continue;
    reported++;
    const c = rows.cost_usd![i] as bigint | null;
    const key = `${rows.date![i]}\u0000${rows.model![i]}`;
    const g = groups.get(key) ?? {
      date: rows.date![i] as string,
      model: rows.model![i] as string,
      requests: 0,
      reported: 0n,
      computed: 0n,
    };
    g.requests++;
    g.reported += r;
    g.computed += c ?? 0n;
    groups.set(key, g);
    differences.push({ i, diff: c === null ? r : c - r < 0n ? r - c : c - r });
  }
  differences.sort((a, b) => (a.diff === b.diff ? a.i - b.i : a.diff > b.diff ? -1 : 1));
  return {
    reported_requests: reported,
    by_model_day: [...groups.values()]
      .sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : a.model < b.model ? -1 : 1))
      .map((g) => ({ date: g.date, model: g.model, ...toVariance(g) })),
    top_differences: differences.slice(0, 50).map(({ i }) => {
      const r = rows.reported_cost_usd![i] as bigint;
      const c = rows.cost_usd![i] as bigint | null;
      return {
        request_id: rows.request_id![i] as string,
        timestamp: new Date(rows.timestamp![i] as number).toISOString(),
        model: rows.model![i] as string,
        reported_usd: formatNano(r),
        computed_usd: c === null ? null : formatNano(c),
        variance_usd: c === null ? null : formatNano(c - r),
      };
    }),
  };
}
