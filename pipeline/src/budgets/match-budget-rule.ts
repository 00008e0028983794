import type { BudgetRule } from "../schemas/budgets.schema.ts";

/** A budget rule compiled against the budget grain's values (schemas/fields.ts `budgetGrain`). */
export interface BudgetMatcher {
  /** Whether a call with these values is one the rule tracks (every `when` condition holds). */
  matches(values: Readonly<Record<string, string | null>>): boolean;
  /** The budget the call counts against: its scope value, `(all)` for an aggregate rule, null when it has none. */
  scopeOf(values: Readonly<Record<string, string | null>>): string | null;
}

/** The scope value of an aggregate rule. */
export const AGGREGATE_SCOPE = "(all)";

/** The grain dimension each `when.subjects` list is checked against. */
const SUBJECT_DIMENSIONS = { users: "user", teams: "team", virtual_accounts: "virtual_account" } as const;

/**
 * Compiles a rule: `in` lists need the value listed (a call without one fails), `not_in`
 * lists need it unlisted (a call without one passes); models and provider accounts are
 * exact names; metadata values are compared as strings.
 */
export function matchBudgetRule(rule: BudgetRule): BudgetMatcher {
  const checks: Array<(values: Readonly<Record<string, string | null>>) => boolean> = [];
  for (const [list, dimension] of Object.entries(SUBJECT_DIMENSIONS) as Array<[keyof typeof SUBJECT_DIMENSIONS, string]>) {
    const subjects = rule.when.subjects?.[list];
    if (!subjects) continue;
    const allowed = subjects.in && new Set(subjects.in);
    const refused = subjects.not_in && new Set(subjects.not_in);
    if (allowed) checks.push((v) => v[dimension] != null && allowed.has(v[dimension]));
    if (refused) checks.push((v) => v[dimension] == null || !refused.has(v[dimension]));
  }
  const oneOf = (dimension: string, names: readonly string[] | undefined) => {
    if (!names) return;
    const set = new Set(names);
    checks.push((v) => v[dimension] != null && set.has(v[dimension]));
  };
  oneOf("model", rule.when.models);
  oneOf("provider_account", rule.when.provider_accounts);
  for (const [key, value] of Object.entries(rule.when.metadata ?? {})) checks.push((v) => v[`metadata.${key}`] === value);
  const scope = rule.applies_to;
  return {
    matches: (values) => checks.every((check) => check(values)),
    scopeOf: scope === "aggregate" ? () => AGGREGATE_SCOPE : (values) => (Object.hasOwn(values, scope) ? (values[scope] ?? null) : null),
  };
}
