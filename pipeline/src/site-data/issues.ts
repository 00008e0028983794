import { LISTED_CALLS } from "../engine/day-extras.ts";
import { formatNano } from "../pricing/money.ts";
import type { SiteIssues } from "../schemas/site-data.schema.ts";
import type { Manifest } from "../stages/write/index.ts";
import type { SiteHistory } from "./read-site-history.ts";

/** `issues.json`: unpriced calls by reason, policy status and violations, and up to 50 example calls, newest first. */
export function issues(manifest: Manifest, history: SiteHistory): SiteIssues {
  const unpriced = new Map<string, { requests: number; models: Set<string> }>();
  const violations = new Map<string, { requests: number; cost: bigint }>();
  for (const { values, requests, unpricedRequests, cost } of history.issues.entries()) {
    const reason = values.unpriced_reason ?? null;
    if (reason !== null && unpricedRequests > 0) {
      const entry = unpriced.get(reason) ?? { requests: 0, models: new Set() };
      entry.requests += unpricedRequests;
      entry.models.add(values.model!);
      unpriced.set(reason, entry);
    }
    for (const v of JSON.parse(values.policy_violations ?? "[]") as string[]) {
      const entry = violations.get(v) ?? { requests: 0, cost: 0n };
      entry.requests += requests;
      entry.cost += cost;
      violations.set(v, entry);
    }
  }
  // Newest first: the last day's last calls first.
  const examples: SiteIssues["examples"] = [];
  for (let d = history.extras.length - 1; d >= 0 && examples.length < LISTED_CALLS; d--) {
    const listed = history.extras[d]!.extras.examples;
    for (let i = listed.length - 1; i >= 0 && examples.length < LISTED_CALLS; i--) examples.push(listed[i]!);
  }
  const byStatus = manifest.run.by_policy_status as Record<string, { requests: number; cost_usd: string }>;
  return {
    unpriced: [...unpriced]
      .map(([reason, e]) => ({ reason, requests: e.requests, models: [...e.models].sort() }))
      .sort((a, b) => b.requests - a.requests || (a.reason < b.reason ? -1 : 1)),
    policy_status: Object.entries(byStatus).map(([status, b]) => ({ status, requests: b.requests, cost_usd: b.cost_usd })),
    violations: [...violations]
      .map(([violation, e]) => ({ violation, requests: e.requests, cost_usd: formatNano(e.cost) }))
      .sort((a, b) => b.requests - a.requests || (a.violation < b.violation ? -1 : 1)),
    // A manifest from before missing price columns were reported has none.
    missing_price_columns: manifest.inputs.flatMap((input) => (input.missing_price_columns ?? []).map((m) => ({ file: input.file, ...m }))),
    examples,
  };
}
