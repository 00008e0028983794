import { z } from "zod";

/** The limit periods a budget rule may set, shortest first (the order reports list them in). */
export const BUDGET_PERIODS = ["day", "week", "month", "quarter"] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** `limits` keys, one per period: `cost_per_day` … `cost_per_quarter`. */
export const LIMIT_KEYS = { day: "cost_per_day", week: "cost_per_week", month: "cost_per_month", quarter: "cost_per_quarter" } as const;

/** Scopes a budget applies to besides `metadata.<key>`: one budget for all calls, or one per value. */
export const BUDGET_SCOPES = ["aggregate", "user", "team", "virtual_account"] as const;

/**
 * A limit in USD, as written in the file (YAML numbers reach the schema as their source
 * text): a plain positive decimal with at most 9 decimal places (nano-USD), so `5000`,
 * `"5000.50"` and `0.25` are read exactly; exponents, signs, zero, `.nan` and `.inf` are refused.
 */
export const LimitUsdSchema = z.string({ message: 'must be an amount in USD, e.g. 5000 or "5000.50"' }).superRefine((text, ctx) => {
  if (!/^\d{1,15}(\.\d{1,9})?$/.test(text)) {
    ctx.addIssue({
      code: "custom",
      message: `\`${text.slice(0, 40)}\` is not an amount in USD`,
      params: {
        hint: "write a plain positive decimal with at most 9 decimal places and 15 digits before the point: 5000, 5000.50 (no sign, no exponent)",
      },
    });
  } else if (!/[1-9]/.test(text)) {
    ctx.addIssue({ code: "custom", message: "must be more than 0", params: { hint: "remove the limit instead of setting it to 0" } });
  }
});

/** A metadata key as budgets name it (without `metadata.`). */
const MetadataKeySchema = z.string().regex(/^[^.\s][^\s]*$/, { message: "a metadata key, without the `metadata.` prefix" });

const SubjectListSchema = z
  .strictObject({ in: z.array(z.string().min(1)).min(1).optional(), not_in: z.array(z.string().min(1)).min(1).optional() })
  .refine((s) => s.in !== undefined || s.not_in !== undefined, { message: "give `in`, `not_in` or both" });

/** One rule of `policies/budgets.yaml`. */
export const BudgetRuleSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, { message: "must be letters, digits, `_`, `.` or `-`: it names the budget in reports and issues" }),
  mode: z.enum(["enforce", "audit"]),
  limits: z
    .strictObject({
      cost_per_day: LimitUsdSchema.optional(),
      cost_per_week: LimitUsdSchema.optional(),
      cost_per_month: LimitUsdSchema.optional(),
      cost_per_quarter: LimitUsdSchema.optional(),
    })
    .refine((l) => Object.values(l).some((v) => v !== undefined), {
      message: "set at least one of cost_per_day, cost_per_week, cost_per_month, cost_per_quarter",
    }),
  applies_to: z
    .string()
    .refine((s) => (BUDGET_SCOPES as readonly string[]).includes(s) || /^metadata\.[^.\s][^\s]*$/.test(s), {
      message: `must be one of ${BUDGET_SCOPES.join(", ")} or metadata.<key>`,
    })
    .default("aggregate"),
  when: z
    .strictObject({
      subjects: z
        .strictObject({
          users: SubjectListSchema.optional(),
          teams: SubjectListSchema.optional(),
          virtual_accounts: SubjectListSchema.optional(),
        })
        .optional(),
      models: z.array(z.string().min(1)).min(1).optional(),
      provider_accounts: z.array(z.string().min(1)).min(1).optional(),
      metadata: z.record(MetadataKeySchema, z.string({ message: "must be a string (quote numbers and true/false)" })).optional(),
    })
    .default({}),
  alert_at: z
    .array(
      z
        .string({ message: "must be a whole percent from 1 to 1000" })
        .regex(/^[1-9]\d{0,3}$/, { message: "must be a whole percent from 1 to 1000" })
        .transform(Number)
        .refine((n) => n <= 1000, { message: "must be a whole percent from 1 to 1000" }),
    )
    .min(1)
    .refine((list) => list.every((p, i) => i === 0 || p > list[i - 1]!), { message: "must be strictly rising, e.g. [50, 80, 100]" })
    .default([100]),
});
export type BudgetRule = z.infer<typeof BudgetRuleSchema>;

/** `policies/budgets.yaml`: budget rules in the shape of TrueFoundry's gateway budget config. */
export const BudgetsSchema = z.strictObject({
  type: z.literal("gateway-budget-config").optional(),
  rules: z.array(BudgetRuleSchema).superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      if (seen.has(rule.name))
        ctx.addIssue({
          code: "custom",
          path: [i, "name"],
          message: `rule \`${rule.name}\` is defined twice`,
          params: { hint: "give each rule its own name" },
        });
      seen.add(rule.name);
    });
  }),
});
export type Budgets = z.infer<typeof BudgetsSchema>;

/**
 * The metadata keys budget rules name (`applies_to: metadata.<key>` and `when.metadata`),
 * sorted: dimensions of the budget grain (fields.ts `budgetGrain`).
 */
export function budgetMetadataKeys(rules: ReadonlyArray<Pick<BudgetRule, "applies_to" | "when">>): string[] {
  const keys = rules.flatMap((r) => [
    ...(r.applies_to.startsWith("metadata.") ? [r.applies_to.slice("metadata.".length)] : []),
    ...Object.keys(r.when.metadata ?? {}),
  ]);
  return [...new Set(keys)].sort();
}
