import { formatNano, ratio } from "../../pricing/money.ts";
import type { Counts } from "../../engine/accumulate-chunks.ts";
import type { PolicyStatus } from "../validate/index.ts";

export type { Counts };

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

  /**
   * Adds a group of `rows` priced rows, `requests` calls (an aggregate row counts as its
   * calls), that share these values (engine/rollup.ts). The row buckets (`counts`) and the
   * metadata overrides count rows; the breakdowns by price source, policy status, unpriced
   * reason and violation count requests. `violations` and `overrides` are the rows' JSON lists.
   */
  addGroup(group: {
    requests: number;
    rows: number;
    price_source: string;
    policy_status: PolicyStatus;
    unpriced_reason: string | null;
    violations: string;
    overrides: string;
    cost: bigint;
    list: bigint;
  }): void {
    const { requests: n, rows } = group;
    if (rows === 0) return;
    if (group.price_source === "unpriced") {
      this.counts.unpriced += rows;
      const reason = group.unpriced_reason ?? "unknown";
      this.unpricedReasons.set(reason, (this.unpricedReasons.get(reason) ?? 0) + n);
    } else this.counts.priced += rows;
    bump(this.bySource, group.price_source, group.cost, n);
    bump(this.byPolicy, group.policy_status, group.cost, n);
    for (const v of JSON.parse(group.violations) as string[]) this.violations.set(v, (this.violations.get(v) ?? 0) + n);
    const overrides = JSON.parse(group.overrides) as string[];
    if (overrides.length > 0) this.overrideRows += rows;
    for (const key of overrides) this.overrides.set(key, (this.overrides.get(key) ?? 0) + rows);
    this.cost += group.cost;
    this.listCost += group.list;
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
      by_price_source: buckets(this.bySource, ["public", "private", "gateway_cache", "unpriced"]),
      by_policy_status: buckets(this.byPolicy as Map<string, Bucket>, ["ok", "warning", "rejected_by_policy"]),
      policy_coverage: coverage(this.byPolicy.get("ok")?.cost ?? 0n, this.cost),
      unpriced_reasons: sorted(this.unpricedReasons).map(({ key, requests }) => ({ reason: key, requests })),
      policy_violations: sorted(this.violations).map(({ key, requests }) => ({ violation: key, requests })),
      metadata_overrides: {
        rows: this.overrideRows,
        by_key: Object.fromEntries(sorted(this.overrides).map(({ key, requests }) => [key, requests])),
      },
    };
  }
}

function bump<K>(map: Map<K, Bucket>, key: K, cost: bigint, requests = 1): void {
  const bucket = map.get(key) ?? { requests: 0, cost: 0n };
  bucket.requests += requests;
  bucket.cost += cost;
  map.set(key, bucket);
}

/** Attribution coverage: the share of cost whose rows pass every rule (6 places, half to even); null without cost. */
export function coverage(passing: bigint, total: bigint): string | null {
  return ratio(passing, total);
}
