/**
 * The overview's headline numbers from a totals record (summary.json's `totals`, or the
 * same computed from the filtered cube in the browser): one definition for both.
 */
import type { SiteSummary } from "../../../pipeline/src/schemas/site-data.schema.ts";
import { formatChange, formatInt, formatNano, formatShare, formatUsd, ratio } from "./format.ts";
import { divideHalfEven } from "../../../pipeline/src/pricing/money.ts";
import { METHOD } from "./paths.ts";
import { allUnpriced, listCostText, UNPRICED_LABEL, unpricedShare } from "./unpriced.ts";

type Totals = SiteSummary["totals"];
type Anchor = (typeof METHOD)[keyof typeof METHOD];

export interface KpiValue {
  testid: string;
  label: string;
  /** Exact value (data-value). */
  value: string;
  display: string;
  detail?: string;
  anchor: Anchor;
}

export function totalsKpis(t: Totals): KpiValue[] {
  const tokens = t.input_tokens + t.output_tokens;
  // Unpriced calls have no cost: never shown as $0.00 (lib/unpriced.ts).
  const none = allUnpriced(t);
  const share = unpricedShare(t);
  return [
    {
      testid: "total-cost",
      label: "Total cost",
      value: t.cost_usd,
      // The headline keeps the plain figure; its unpriced share is in the detail line.
      display: none ? UNPRICED_LABEL : formatUsd(t.cost_usd),
      detail: none
        ? "every request is unpriced: no cost"
        : `${t.cost_usd} USD exactly${share === null ? "" : `; ${share} of requests unpriced, not in it`}`,
      anchor: METHOD.totalCost,
    },
    {
      testid: "requests",
      label: "Requests",
      value: String(t.requests),
      display: formatInt(t.requests),
      detail: `${formatInt(t.requests - t.unpriced_requests)} priced`,
      anchor: METHOD.requests,
    },
    {
      testid: "tokens",
      label: "Tokens",
      value: String(tokens),
      display: formatInt(tokens),
      detail: `${formatInt(t.input_tokens)} in (${formatInt(t.cache_read_tokens)} cache read) · ${formatInt(t.output_tokens)} out`,
      anchor: METHOD.tokens,
    },
    {
      testid: "avg-cost",
      label: "Average cost per request",
      value: t.avg_cost_per_request_usd,
      display: none ? "n/a" : formatUsd(t.avg_cost_per_request_usd),
      detail: none ? "no priced requests" : "over priced requests",
      anchor: METHOD.average,
    },
    {
      testid: "unpriced-requests",
      label: "Unpriced requests",
      value: String(t.unpriced_requests),
      display: formatInt(t.unpriced_requests),
      detail: `${share === null ? "" : `${share} of requests, `}not in the cost: no price applies`,
      anchor: METHOD.unpriced,
    },
    {
      testid: "policy-coverage",
      label: "Policy coverage",
      value: t.policy_coverage ?? "",
      display: formatShare(t.policy_coverage),
      detail: "of cost passes every metadata rule",
      anchor: METHOD.coverage,
    },
    {
      testid: "list-cost",
      label: "At list prices",
      value: t.list_cost_usd,
      display: listCostText(t.list_cost_usd, t.cost_usd, t),
      detail: "the same calls at public prices, where known",
      anchor: METHOD.listCost,
    },
  ];
}

export function changeKpi(change: SiteSummary["period_over_period"]): KpiValue {
  if (!change) {
    return {
      testid: "cost-change",
      label: "Last 7 days vs the 7 before",
      value: "",
      display: "n/a",
      detail: "needs 14 days of data",
      anchor: METHOD.change,
    };
  }
  return {
    testid: "cost-change",
    label: "Last 7 days vs the 7 before",
    value: change.cost_change ?? "",
    display: formatChange(change.cost_change),
    detail: `${formatUsd(change.current.cost_usd)} (${change.current.from} – ${change.current.to}) vs ${formatUsd(change.previous.cost_usd)}`,
    anchor: METHOD.change,
  };
}

/** Average cost per priced request, nano-USD rounded half to even. */
export function averageNano(cost: bigint, pricedRequests: number): bigint {
  return pricedRequests <= 0 ? 0n : divideHalfEven(cost, BigInt(pricedRequests));
}

/** Totals as summary.json would state them, from exact sums (used after filtering). */
/** Exact sums over (filtered) cube rows: money in nano-USD. */
export interface Sums {
  requests: number;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  cost: bigint;
  list_cost: bigint;
  unpriced: number;
  ok_cost: bigint;
}

export function totalsFrom(sums: Sums): Totals {
  return {
    requests: sums.requests,
    input_tokens: sums.input_tokens,
    cache_read_tokens: sums.cache_read_tokens,
    cache_write_tokens: sums.cache_write_tokens,
    output_tokens: sums.output_tokens,
    cost_usd: formatNano(sums.cost),
    list_cost_usd: formatNano(sums.list_cost),
    unpriced_requests: sums.unpriced,
    avg_cost_per_request_usd: formatNano(averageNano(sums.cost, sums.requests - sums.unpriced)),
    policy_coverage: ratio(sums.ok_cost, sums.cost),
  };
}

export function changeFrom(
  current: { from: string; to: string; cost: bigint; requests: number },
  previous: { from: string; to: string; cost: bigint; requests: number },
): NonNullable<SiteSummary["period_over_period"]> {
  return {
    current: { from: current.from, to: current.to, cost_usd: formatNano(current.cost), requests: current.requests },
    previous: { from: previous.from, to: previous.to, cost_usd: formatNano(previous.cost), requests: previous.requests },
    cost_change: ratio(current.cost - previous.cost, previous.cost),
  };
}
