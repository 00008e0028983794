import type { PolicyBook } from "../../policies/load-policies.ts";
import type { LogRow } from "../../schemas/log-row.ts";
import { UNASSIGNED, type Attribution } from "../attribute/index.ts";

export type PolicyStatus = "ok" | "warning" | "rejected_by_policy";

export interface PolicyResult {
  policy_status: PolicyStatus;
  /** `<guardrail>:<key>:missing|not_allowed|no_match|unknown_key`, and `require_pat_team:<pat>:no_team`. */
  policy_violations: string[];
}

/**
 * Runs the metadata guardrails (SPEC 5.4) on the metadata after injection. A rule applies
 * when its models include the row's model (or "*") and one of the row's subjects is in
 * `in` (when given) and none in `not_in`. Subjects: `<subject_type>:<subject>` and
 * `team:<name>` for each of its teams and its attributed team. Rows are never dropped:
 * an `enforce` break marks the row `rejected_by_policy`, an `audit` break `warning`.
 */
export function validateMetadata(row: LogRow, attribution: Attribution, policies: PolicyBook): PolicyResult {
  const violations: string[] = [];
  let enforced = false;
  if (policies.guardrails.length > 0) {
    const subjects = subjectsOf(row, attribution);
    const metadata = attribution.metadata;
    for (const rule of policies.guardrails) {
      if (rule.models !== null && !rule.models.has(row.model)) continue;
      if (rule.subjectsIn !== null && !anyIn(subjects, rule.subjectsIn)) continue;
      if (rule.subjectsNotIn.size > 0 && anyIn(subjects, rule.subjectsNotIn)) continue;
      const before = violations.length;
      for (const [key, keyRule] of rule.keys) {
        // Own keys only: a rule on `constructor` or `toString` must not see Object.prototype's.
        const value = Object.hasOwn(metadata, key) ? metadata[key] : undefined;
        if (value === undefined) {
          if (keyRule.required) violations.push(`${rule.name}:${key}:missing`);
        } else if (keyRule.allowed && !keyRule.allowed.has(value)) {
          violations.push(`${rule.name}:${key}:not_allowed`);
        } else if (keyRule.regex && !keyRule.regex.test(value)) {
          violations.push(`${rule.name}:${key}:no_match`);
        }
      }
      if (!rule.allowUnknownKeys && hasKeyOutside(metadata, rule.keys)) {
        for (const key of Object.keys(metadata).sort()) {
          if (!rule.keys.has(key)) violations.push(`${rule.name}:${key}:unknown_key`);
        }
      }
      if (rule.enforce && violations.length > before) enforced = true;
    }
  }
  if (attribution.patViolation) violations.push(attribution.patViolation);
  return {
    policy_status: enforced ? "rejected_by_policy" : violations.length > 0 ? "warning" : "ok",
    policy_violations: violations,
  };
}

function subjectsOf(row: LogRow, attribution: Attribution): string[] {
  const subjects: string[] = [];
  if (row.subject_type && row.subject) subjects.push(`${row.subject_type.toLowerCase()}:${row.subject}`);
  for (const team of row.teams) subjects.push(`team:${team}`);
  if (attribution.team !== UNASSIGNED && !row.teams.includes(attribution.team)) subjects.push(`team:${attribution.team}`);
  return subjects;
}

/** Whether the metadata has a key the rule does not list (checked before sorting the keys for the messages). */
function hasKeyOutside(metadata: Record<string, string>, keys: ReadonlyMap<string, unknown>): boolean {
  for (const key in metadata) if (!keys.has(key)) return true;
  return false;
}

function anyIn(subjects: string[], set: ReadonlySet<string>): boolean {
  for (const s of subjects) if (set.has(s)) return true;
  return false;
}
