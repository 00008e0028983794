import { formatNano, ratio } from "../../pricing/money.ts";
import type { Attribution } from "../attribute/index.ts";
import type { PriceColumns } from "../price/index.ts";
import type { PolicyResult, PolicyStatus } from "../validate/index.ts";

export interface Counts {
  rows_read: number;
  priced: number;
  unpriced: number;
  rejected: number;
  duplicates: number;
  virtual_parents: number;
  out_of_window: number;
}

interface Bucket {
  requests: number;
  cost: bigint;
}

/** What a run saw, for the manifest and the end-of-run summary. */
export class RunStats {
  readonly counts: Counts = { rows_read: 0, priced: 0, unpriced: 0, rejected: 0, duplicates: 0, virtual_parents: 0, out_of_window: 0 };
  readonly bySource = new Map<string, Bucket>();
  readonly byPolicy = new Map<PolicyStatus, Bucket>();
  readonly unpricedReasons = new Map<string, number>();
  readonly violations = new Map<string, number>();
  readonly overrides = new Map<string, number>();
  overrideRows = 0;
  cost = 0n;
  listCost = 0n;

  add(price: PriceColumns, policy: PolicyResult, attribution: Attribution, _date: string): void {
    const cost = price.cost_nano ?? 0n;
    if (price.price_source === "unpriced") {
      this.counts.unpriced++;
      const reason = price.unpriced_reason ?? "unknown";
      this.unpricedReasons.set(reason, (this.unpricedReasons.get(reason) ?? 0) + 1);
    } else this.counts.priced++;
    bump(this.bySource, price.price_source, cost);
    bump(this.byPolicy, policy.policy_status, cost);
    for (const v of policy.policy_violations) this.violations.set(v, (this.violations.get(v) ?? 0) + 1);
    if (attribution.overrides.length > 0) this.overrideRows++;
    for (const key of attribution.overrides) this.overrides.set(key, (this.overrides.get(key) ?? 0) + 1);
    this.cost += cost;
    this.listCost += price.list_cost_nano ?? 0n;
  }

  /** The part of the manifest that describes this run. */
  toJson() {
    const sorted = (map: Map<string, number>) =>
      [...map].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([key, requests]) => ({ key, requests }));
    const buckets = (map: Map<string, Bucket>, keys: string[]) =>
      Object.fromEntries(keys.map((k) => [k, { requests: map.get(k)?.requests ?? 0, cost_usd: formatNano(map.get(k)?.cost ?? 0n) }]));
    return {
      cost_usd: formatNano(this.cost),
      list_cost_usd: formatNano(this.listCost),
      by_price_source: buckets(this.bySource, ["public", "private", "unpriced"]),
      by_policy_status: buckets(this.byPolicy as Map<string, Bucket>, ["ok", "warning", "rejected_by_policy"]),
      policy_coverage: coverage(this.byPolicy.get("ok")?.cost ?? 0n, this.cost),
      unpriced_reasons: sorted(this.unpricedReasons).map(({ key, requests }) => ({ reason: key, requests })),
      policy_violations: sorted(this.violations).map(({ key, requests }) => ({ violation: key, requests })),
      metadata_overrides: { rows: this.overrideRows, by_key: Object.fromEntries(sorted(this.overrides).map(({ key, requests }) => [key, requests])) },
    };
  }
}

function bump<K>(map: Map<K, Bucket>, key: K, cost: bigint): void {
  const bucket = map.get(key) ?? { requests: 0, cost: 0n };
  bucket.requests++;
  bucket.cost += cost;
  map.set(key, bucket);
}

/** Attribution coverage: the share of cost whose rows pass every rule (6 places, half to even); null without cost. */
export function coverage(passing: bigint, total: bigint): string | null {
  return ratio(passing, total);
}
