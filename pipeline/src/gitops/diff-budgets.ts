/**
 * `costs diff` on policies/budgets.yaml: each rule added or changed between the two refs,
 * simulated over the last days of real priced usage (the rows of `--usage`, so a rule that
 * names a metadata key no day rollup holds yet is simulated too): when it would have been
 * crossed, what would have been blocked (enforce) or gone over budget (audit), and how many
 * scope values that touches (budgets/simulate-budgets.ts).
 */
import path from "node:path";
import { simulateBudgetRule } from "../budgets/simulate-budgets.ts";
import type { BudgetDay, BudgetGroup } from "../budgets/compute-budgets.ts";
import { listPartitions, readPartitionColumns } from "../dataset/read-partitions.ts";
import { PipelineError } from "../lib/errors.ts";
import { loadPolicies } from "../policies/load-policies.ts";
import type { BudgetRule } from "../schemas/budgets.schema.ts";
import { budgetMetadataKeys } from "../schemas/budgets.schema.ts";
import { requestsOf } from "../schemas/fields.ts";
import type { PricingDiff } from "../schemas/pricing-diff.schema.ts";

const COLUMNS = ["date", "user", "team", "virtual_account", "model", "provider_account", "metadata", "cost_usd", "calls"];

/** The budget rules added or changed from `baseDir` to `headDir`, each simulated over the last `days` days of `usage`. */
export async function diffBudgets(
  baseDir: string,
  headDir: string,
  refs: { base: string; head: string },
  usage: string | undefined,
  days: number,
): Promise<PricingDiff["budgets"]> {
  const before = new Map((await rulesAt(baseDir, refs.base)).map((r) => [r.name, r]));
  const changed = (await rulesAt(headDir, refs.head)).flatMap((rule) => {
    const old = before.get(rule.name);
    if (old && JSON.stringify(old) === JSON.stringify(rule)) return [];
    return [{ rule, change: old ? ("changed" as const) : ("added" as const) }];
  });
  if (changed.length === 0) return [];
  const window = usage ? (await listPartitions(usage)).slice(-days) : [];
  const budgetDays = window.length
    ? await readBudgetRows(
        usage!,
        window,
        changed.map((c) => c.rule),
      )
    : [];
  return changed.map(({ rule, change }) => ({
    rule: rule.name,
    change,
    mode: rule.mode,
    applies_to: rule.applies_to,
    window: window.length ? { from: window[0]!, to: window.at(-1)!, days: window.length } : null,
    limits: window.length ? simulateBudgetRule(rule, budgetDays, window[0]!, window.at(-1)!) : [],
  }));
}

async function rulesAt(dir: string, ref: string): Promise<BudgetRule[]> {
  const { policies, problems } = await loadPolicies(dir);
  const errors = problems.filter((p) => p.severity !== "warning" && p.file?.endsWith("budgets.yaml"));
  if (errors.length > 0) {
    throw new PipelineError(
      errors.map((p) => ({
        ...p,
        file: p.file ? `${ref}:${path.relative(path.dirname(dir), p.file)}` : undefined,
        hint: p.hint ?? `policies/budgets.yaml at ${ref} does not validate`,
      })),
    );
  }
  return policies.budgets;
}

/** The window's priced rows as budget days: one group per row with the values the rules read. */
async function readBudgetRows(usage: string, window: string[], rules: BudgetRule[]): Promise<BudgetDay[]> {
  const rows = await readPartitionColumns(usage, window, COLUMNS);
  const keys = budgetMetadataKeys(rules);
  const byDate = new Map<string, BudgetGroup[]>();
  const n = rows.date!.length;
  for (let i = 0; i < n; i++) {
    const values: Record<string, string | null> = {};
    for (const c of ["user", "team", "virtual_account", "model", "provider_account"]) values[c] = (rows[c]![i] as string | null) ?? null;
    if (keys.length) {
      const text = rows.metadata![i] as string | null;
      const metadata = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      for (const key of keys) {
        // Own keys only: a call without `constructor` has no such value.
        const v = Object.hasOwn(metadata, key) ? metadata[key] : null;
        values[`metadata.${key}`] = v === null || v === undefined ? null : String(v);
      }
    }
    const cost = rows.cost_usd![i] as bigint | null;
    const requests = requestsOf(rows.calls![i] as number | bigint | null);
    const group: BudgetGroup = { values, requests, unpricedRequests: cost === null ? requests : 0, cost: cost ?? 0n };
    const date = rows.date![i] as string;
    (byDate.get(date) ?? byDate.set(date, []).get(date)!).push(group);
  }
  return [...byDate].map(([date, groups]) => ({ date, groups }));
}
