/**
 * `budgets.json` of `costs site-data`: the budget report `costs budgets` computes
 * (computeBudgets over the day rollups' budget grain) at the data's last day, with each
 * budget's burn-down (`daily`). No rules: an empty report (no rollup is read). With
 * pseudonyms the budgets of rules whose scope values can be user names (per user, or per
 * metadata value: a user name may be any metadata value) are withheld, since the rollups
 * hold the real names; the rule stays, with its limits, named in `withheld_rules`.
 */
import { computeBudgets } from "../budgets/compute-budgets.ts";
import { readBudgetDays } from "../budgets/read-budget-days.ts";
import type { BudgetRule } from "../schemas/budgets.schema.ts";
import { SiteBudgetsSchema, type SiteBudgets } from "../schemas/site-data.schema.ts";

/** Whether a rule's scope values can hold a user name. */
export function scopesNameUsers(rule: Pick<BudgetRule, "applies_to">): boolean {
  return rule.applies_to === "user" || rule.applies_to.startsWith("metadata.");
}

export async function siteBudgets(
  data: string,
  rules: readonly BudgetRule[],
  days: readonly string[],
  options: { pseudonymise: boolean },
): Promise<SiteBudgets> {
  if (rules.length === 0) {
    const range = { first_day: days[0] ?? "1970-01-01", last_day: days.at(-1) ?? "1970-01-01" };
    return { report_version: 1, at: range.last_day, data: range, rules: [], withheld_rules: [] };
  }
  const read = await readBudgetDays(data, rules, undefined);
  const report = computeBudgets(rules, read.days, read.at, read.data, { daily: true });
  const withheld = options.pseudonymise ? rules.filter(scopesNameUsers).map((r) => r.name) : [];
  // Validated as it is written, like `costs budgets`.
  return SiteBudgetsSchema.parse({
    ...report,
    rules: report.rules.map((r) => (withheld.includes(r.name) ? { ...r, budgets: [] } : r)),
    withheld_rules: withheld,
  });
}
