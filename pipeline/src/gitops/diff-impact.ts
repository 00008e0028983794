import { UNIT_RATES, type Call } from "../pricing/call.ts";
import type { PricingBook } from "../pricing/load-pricing.ts";
import { formatNano, parseDecimal, ratio } from "../pricing/money.ts";
import { priceCall } from "../pricing/price-call.ts";
import type { PricingDiff } from "../schemas/pricing-diff.schema.ts";
import { listPartitions, readPartitionColumns } from "../dataset/read-partitions.ts";
import { isAffected, type Interval, type UsageDays } from "./restatement-window.ts";

const COLUMNS = [
  "date",
  "model",
  "timestamp",
  "region",
  "team",
  "input_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "cache_write_1h_tokens",
  "output_tokens",
  "input_audio_tokens",
  "output_audio_tokens",
  "batch",
  "service_tier",
  "calls",
  ...UNIT_RATES.map((u) => u.field),
];

/**
 * Re-prices the last `days` days of priced usage under `usage` with the base and the head
 * rules (SPEC 8): totals and the change by model and by team. Rows are re-priced with the
 * region recorded on them. Unpriced calls count as 0 on the side where they are unpriced.
 * Also each day's two totals and the days with calls in a range whose private prices
 * `changes` (for the restatement window, restatement-window.ts).
 */
export async function diffImpact(
  usage: string,
  days: number,
  base: PricingBook,
  head: PricingBook,
  changes: Map<string, Interval[]> = new Map(),
): Promise<{ impact: PricingDiff["impact"]; usage: UsageDays }> {
  const all = await listPartitions(usage);
  const window = all.slice(-days);
  const byDay = new Map<string, { base: bigint; head: bigint }>();
  const affected = new Set<string>();
  const usageDays = { days: window, affected, byDay };
  if (window.length === 0) return { impact: null, usage: usageDays };
  const rows = await readPartitionColumns(usage, window, COLUMNS);
  const n = rows.model!.length;
  if (n === 0) return { impact: null, usage: usageDays };
  const byModel = new Map<string, [bigint, bigint]>();
  const byTeam = new Map<string, [bigint, bigint]>();
  let totalBase = 0n;
  let totalHead = 0n;
  for (let i = 0; i < n; i++) {
    const call: Call = {
      model: rows.model![i] as string,
      timestamp: rows.timestamp![i] as number,
      region: rows.region![i] as string | null,
      input_tokens: Number(rows.input_tokens![i]),
      cache_read_tokens: Number(rows.cache_read_tokens![i]),
      cache_write_tokens: Number(rows.cache_write_tokens![i]),
      cache_write_1h_tokens: Number(rows.cache_write_1h_tokens?.[i] ?? 0),
      output_tokens: Number(rows.output_tokens![i]),
      input_audio_tokens: Number(rows.input_audio_tokens![i]),
      output_audio_tokens: Number(rows.output_audio_tokens![i]),
      batch: rows.batch![i] === true,
      service_tier: rows.service_tier![i] as string | null,
    };
    // An aggregate row is priced as `costs run` priced it (docs/pricing.md, "Aggregate rows").
    const calls = rows.calls![i];
    if (calls !== null && calls !== undefined) call.calls = Number(calls);
    for (const { field } of UNIT_RATES) {
      const text = rows[field]![i] as string | null;
      if (text !== null && text !== undefined) call[field] = parseDecimal(text);
    }
    const a = priceCall(base, call).cost_nano ?? 0n;
    const b = priceCall(head, call).cost_nano ?? 0n;
    totalBase += a;
    totalHead += b;
    const date = rows.date![i] as string;
    const day = byDay.get(date) ?? byDay.set(date, { base: 0n, head: 0n }).get(date)!;
    day.base += a;
    day.head += b;
    if (isAffected(changes, call.model, call.timestamp)) affected.add(date);
    add(byModel, call.model, a, b);
    add(byTeam, rows.team![i] as string, a, b);
  }
  const impact = {
    days: window.length,
    from: window[0]!,
    to: window.at(-1)!,
    rows: n,
    base_cost_usd: formatNano(totalBase),
    head_cost_usd: formatNano(totalHead),
    change_usd: formatNano(totalHead - totalBase),
    change_share: ratio(totalHead - totalBase, totalBase),
    by_model: rowsOf(byModel),
    by_team: rowsOf(byTeam),
  };
  return { impact, usage: usageDays };
}

function add(map: Map<string, [bigint, bigint]>, key: string, a: bigint, b: bigint): void {
  const sums = map.get(key) ?? [0n, 0n];
  sums[0] += a;
  sums[1] += b;
  map.set(key, sums);
}

/** Rows whose cost changed, largest change first. */
function rowsOf(map: Map<string, [bigint, bigint]>) {
  return [...map]
    .filter(([, [a, b]]) => a !== b)
    .sort(([ka, [a1, b1]], [kb, [a2, b2]]) => {
      const x = b1 - a1 < 0n ? a1 - b1 : b1 - a1;
      const y = b2 - a2 < 0n ? a2 - b2 : b2 - a2;
      return x === y ? (ka < kb ? -1 : 1) : x > y ? -1 : 1;
    })
    .map(([key, [a, b]]) => ({
      key,
      base_cost_usd: formatNano(a),
      head_cost_usd: formatNano(b),
      change_usd: formatNano(b - a),
      change_share: ratio(b - a, a),
    }));
}
