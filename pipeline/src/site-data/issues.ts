import { formatNano } from "../pricing/money.ts";
import type { SiteIssues } from "../schemas/site-data.schema.ts";
import type { Manifest } from "../stages/write/index.ts";

/** `issues.json`: unpriced calls by reason, policy status and violations, and up to 50 example calls, newest first. */
export function issues(manifest: Manifest, rows: Record<string, unknown[]>): SiteIssues {
  const n = rows.request_id!.length;
  const unpriced = new Map<string, { requests: number; models: Set<string> }>();
  const violations = new Map<string, { requests: number; cost: bigint }>();
  const examples: SiteIssues["examples"] = [];
  for (let i = n - 1; i >= 0; i--) {
    const source = rows.price_source![i] as string;
    const list = JSON.parse(rows.policy_violations![i] as string) as string[];
    const cost = (rows.cost_usd![i] as bigint | null) ?? 0n;
    if (source === "unpriced") {
      const reason = rows.unpriced_reason![i] as string;
      const entry = unpriced.get(reason) ?? { requests: 0, models: new Set() };
      entry.requests++;
      entry.models.add(rows.model![i] as string);
      unpriced.set(reason, entry);
    }
    for (const v of list) {
      const entry = violations.get(v) ?? { requests: 0, cost: 0n };
      entry.requests++;
      entry.cost += cost;
      violations.set(v, entry);
    }
    if ((source === "unpriced" || list.length > 0) && examples.length < 50) {
      examples.push({
        request_id: rows.request_id![i] as string,
        timestamp: new Date(rows.timestamp![i] as number).toISOString(),
        model: rows.model![i] as string,
        user: rows.user![i] as string | null,
        team: rows.team![i] as string,
        price_source: source,
        unpriced_reason: rows.unpriced_reason![i] as string | null,
        policy_status: rows.policy_status![i] as string,
        policy_violations: list,
      });
    }
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
    examples,
  };
}
