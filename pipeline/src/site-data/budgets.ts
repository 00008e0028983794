/**
 * `budgets.json` of `costs site-data`: the budget report `costs budgets` computes
 * (computeBudgets over the day rollups' budget grain) at the data's last day, with each
 * budget's burn-down (`daily`). No rules: an empty report (no rollup is read). With
 * pseudonyms, the scope values of rules whose values can be user names (per user, or per
 * metadata value: a user name may be any metadata value) are replaced by the same
 * pseudonyms as everywhere else on the site (the rollups hold the real names). A per-user
 * budget whose user has no pseudonym would be left out and its rule named in `withheld_rules`.
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
  options: { pseudonyms?: ReadonlyMap<string, string> },
): Promise<SiteBudgets> {
  if (rules.length === 0) {
    const range = { first_day: days[0] ?? "1970-01-01", last_day: days.at(-1) ?? "1970-01-01" };
    return { report_version: 1, at: range.last_day, data: range, rules: [], withheld_rules: [] };
  }
  const read = await readBudgetDays(data, rules, undefined);
  const report = computeBudgets(rules, read.days, read.at, read.data, { daily: true });
  const pseudonyms = options.pseudonyms;
  const withheld = new Set<string>();
  const rulesOut = report.rules.map((r, i) => {
    if (!pseudonyms || !scopesNameUsers(rules[i]!)) return r;
    const perUser = r.applies_to === "user";
    const budgets = r.budgets.flatMap((b) => {
      const pseudonym = pseudonyms.get(b.scope);
      if (pseudonym !== undefined) return [{ ...b, scope: pseudonym }];
      if (!perUser) return [b]; // a metadata value that is no user name
      withheld.add(r.name);
      return [];
    });
    return { ...r, budgets };
  });
  // Validated as it is written, like `costs budgets`.
  return SiteBudgetsSchema.parse({ ...report, rules: rulesOut, withheld_rules: [...withheld] });
}
