import { formatNano, ratio } from "../pricing/money.ts";
import type { Breakdown } from "../schemas/site-data.schema.ts";
import type { Dataset } from "../dataset/read-partitions.ts";
import { computeExtract } from "../stages/write/extracts.ts";

// Positions of the measures after the group values in an extract row (see MEASURES).
const REQUESTS = 0;
const INPUT = 1;
const OUTPUT = 4;
const COST = 5;
const LIST = 6;
const UNPRICED = 7;

/** Totals per value of `dimension`, costliest first, and the daily cost of the top 8 values (the rest as "(other)"). */
export function breakdown(dataset: Dataset, dimension: string, total: bigint): Breakdown {
  const extract = computeExtract(dataset, [dimension]);
  const rows = extract.rows
    .map((r) => {
      const m = (i: number) => r[1 + i];
      return {
        key: r[0] as string | null,
        requests: m(REQUESTS) as number,
        input_tokens: m(INPUT) as number,
        output_tokens: m(OUTPUT) as number,
        cost: m(COST) as bigint,
        list: m(LIST) as bigint,
        unpriced_requests: m(UNPRICED) as number,
      };
    })
    .sort((a, b) => (a.cost === b.cost ? compareKeys(a.key, b.key) : a.cost > b.cost ? -1 : 1));
  const top = new Set(rows.slice(0, 8).map((r) => r.key));
  const daily = new Map<string, bigint>();
  for (const r of computeExtract(dataset, ["date", dimension]).rows) {
    const key = top.has(r[1] as string | null) ? (r[1] as string | null) : "(other)";
    const id = JSON.stringify([r[0], key]);
    daily.set(id, (daily.get(id) ?? 0n) + (r[2 + COST] as bigint));
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
      .map(([id, cost]) => {
        const [date, key] = JSON.parse(id) as [string, string | null];
        return { date, key, cost_usd: formatNano(cost) };
      })
      .sort((a, b) => (a.date !== b.date ? (a.date < b.date ? -1 : 1) : compareKeys(a.key, b.key))),
  };
}

function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
