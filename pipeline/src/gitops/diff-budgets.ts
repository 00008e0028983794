/**
 * `costs diff` on policies/budgets.yaml: each rule added or changed between the two refs,
 * simulated over the last days of real priced usage (`--usage`: its day rollups' budget
 * grain, built from the day's rows when the rollup lacks it, so a rule that names a
 * metadata key no day rollup holds yet is simulated too): when it would have been
 * crossed, what would have been blocked (enforce) or gone over budget (audit), and how many
 * scope values that touches (budgets/simulate-budgets.ts).
 */
import path from "node:path";
import { simulateBudgetRule } from "../budgets/simulate-budgets.ts";
import type { BudgetDay } from "../budgets/compute-budgets.ts";
import { findGrain } from "../budgets/read-budget-days.ts";
import { listPartitions } from "../dataset/read-partitions.ts";
import { grainOf, readDayRollup } from "../history/day-rollup.ts";
import { dayRollupFromRows } from "../history/day-rollup-from-rows.ts";
import { PipelineError } from "../lib/errors.ts";
import { loadPolicies } from "../policies/load-policies.ts";
import type { BudgetRule } from "../schemas/budgets.schema.ts";
import { budgetMetadataKeys } from "../schemas/budgets.schema.ts";
import { budgetGrain } from "../schemas/fields.ts";
import type { PricingDiff } from "../schemas/pricing-diff.schema.ts";

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

/**
 * The window's days of the budget grain the rules need: from each day's rollup when it holds
 * that grain (or a wider one), else built from the day's priced rows the way `costs run`
 * builds it (a rule naming a metadata key no rollup holds yet).
 */
async function readBudgetRows(usage: string, window: string[], rules: BudgetRule[]): Promise<BudgetDay[]> {
  const needed = budgetGrain(budgetMetadataKeys(rules));
  const days: BudgetDay[] = [];
  for (const day of window) {
    const kept = await readDayRollup(usage, day);
    const found = kept ? findGrain(kept, needed) : undefined;
    const rollup = found ? kept! : await dayRollupFromRows(usage, day, [needed]);
    days.push({ date: day, groups: [...grainOf(rollup, found ?? needed).entries()] });
  }
  return days;
}
