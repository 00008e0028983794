import { formatNano, ratio } from "../pricing/money.ts";
import type { Breakdown } from "../schemas/site-data.schema.ts";
import type { Dataset } from "../dataset/read-partitions.ts";
import { computeExtract } from "../extracts/compute-extract.ts";
import { compareKeys, measureOf } from "../extracts/to-extract-table.ts";

/** How many values a breakdown's daily series keeps; the rest are summed per day in one row marked `other`. */
export const DAILY_TOP = 10;

/** Totals per value of `dimension`, costliest first, and the daily cost of the top values (the rest in one `other` row per day). */
export function breakdown(dataset: Dataset, dimension: string, total: bigint): Breakdown {
  const extract = computeExtract(dataset, [dimension]);
  const rows = extract.rows
    .map((r) => ({
      key: r[0] as string | null,
      requests: measureOf(extract, r, "requests"),
      input_tokens: measureOf(extract, r, "input_tokens"),
      output_tokens: measureOf(extract, r, "output_tokens"),
      cost: measureOf(extract, r, "cost_usd"),
      list: measureOf(extract, r, "list_cost_usd"),
      unpriced_requests: measureOf(extract, r, "unpriced_requests"),
    }))
    .sort((a, b) => (a.cost === b.cost ? compareKeys(a.key, b.key) : a.cost > b.cost ? -1 : 1));
  const top = new Set(rows.slice(0, DAILY_TOP).map((r) => r.key));
  const daily = new Map<string, { cost: bigint; requests: number; unpriced: number }>();
  const byDay = computeExtract(dataset, ["date", dimension]);
  for (const r of byDay.rows) {
    const kept = top.has(r[1] as string | null);
    const id = JSON.stringify([r[0], kept ? r[1] : null, !kept]);
    const sum = daily.get(id) ?? { cost: 0n, requests: 0, unpriced: 0 };
    daily.set(id, {
      cost: sum.cost + measureOf(byDay, r, "cost_usd"),
      requests: sum.requests + measureOf(byDay, r, "requests"),
      unpriced: sum.unpriced + measureOf(byDay, r, "unpriced_requests"),
    });
  }
  return {
    dimension,
    rows: rows.map((r) => ({
      key: r.key,
      requests: r.requests,
      input_tokens: r.input_tokens,
      output_tokens: r.output_tokens,
      cost_usd: formatNano(r.cost),
      list_cost_usd: formatNano(r.list),
      unpriced_requests: r.unpriced_requests,
      share: ratio(r.cost, total),
    })),
    daily: [...daily]
      .map(([id, sum]): Breakdown["daily"][number] => {
        const [date, key, other] = JSON.parse(id) as [string, string | null, boolean];
        const figures = { cost_usd: formatNano(sum.cost), requests: sum.requests, unpriced_requests: sum.unpriced };
        return other ? { date, key, ...figures, other: true as const } : { date, key, ...figures };
      })
      .sort((a, b) =>
        a.date !== b.date ? (a.date < b.date ? -1 : 1) : a.other !== b.other ? (a.other ? 1 : -1) : compareKeys(a.key, b.key),
      ),
  };
}
