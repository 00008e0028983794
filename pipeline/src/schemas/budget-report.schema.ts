import { z } from "zod";
import { BUDGET_PERIODS } from "./budgets.schema.ts";

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** USD as fixed 9-decimal text (nano-USD exact), signed only when negative. */
const Usd = z.string().regex(/^-?\d+\.\d{9}$/);
const Count = z.number().int().nonnegative();

/** Requests and cost of some calls. */
const CallsSchema = z.strictObject({ requests: Count, cost_usd: Usd });

/** One budget's figures over one period (the current one through `at`, or the whole previous one). */
export const BudgetPeriodFiguresSchema = z.strictObject({
  start: DateText,
  end: DateText,
  /** Days of the period. */
  days: z.number().int().positive(),
  /** Days from its start through `at` (the whole period for the previous one). */
  elapsed_days: z.number().int().positive(),
  /** The data starts after the period's first day: the spend is short of the period's real spend. */
  partial_data: z.boolean(),
  spent_usd: Usd,
  /** Matching requests, the unpriced ones included. */
  requests: Count,
  /** Unpriced matching requests: counted as requests, never in `spent_usd`. */
  unpriced_requests: Count,
  /** spent / limit × 100, 2 decimals, half to even. */
  percent_used: z.string().regex(/^\d+\.\d{2}$/),
  /** limit − spent; negative when over the limit. */
  remaining_usd: Usd,
  /** First day the period's cumulative spend went over the limit. */
  crossed_on: DateText.nullable(),
  /** `enforce` rules, once crossed: the calls of the days after `crossed_on` (what the gateway would have blocked); else null. */
  blocked: CallsSchema.nullable(),
  /** Each `alert_at` percent and the first day cumulative spend reached it (null: not reached). */
  alerts: z.array(z.strictObject({ percent: z.number().int(), reached_on: DateText.nullable() })),
  /**
   * Only when asked for (computeBudgets `daily`, for burn-down charts; not in `costs budgets`
   * output): every day of the current period through `at`, its spend and the cumulative spend.
   */
  daily: z.array(z.strictObject({ date: DateText, spent_usd: Usd, cumulative_usd: Usd })).optional(),
});
export type BudgetPeriodFigures = z.infer<typeof BudgetPeriodFiguresSchema>;

/** One budget: a rule × scope value × limit. */
export const BudgetFiguresSchema = z.strictObject({
  /** The scope value (user, team, virtual account, metadata value), `(all)` for an aggregate rule. */
  scope: z.string(),
  period: z.enum(BUDGET_PERIODS),
  limit_usd: Usd,
  status: z.enum(["crossed", "will_cross", "ok"]),
  current: BudgetPeriodFiguresSchema,
  previous: BudgetPeriodFiguresSchema,
  /** Run rate to the current period's end: spent / elapsed days × days, half to even to the nano-USD. */
  forecast_usd: Usd,
  /** When not crossed yet: the first day the run-rate line goes over the limit within the period, else null. */
  will_cross_on: DateText.nullable(),
});
export type BudgetFigures = z.infer<typeof BudgetFiguresSchema>;

export const BudgetRuleReportSchema = z.strictObject({
  name: z.string(),
  mode: z.enum(["enforce", "audit"]),
  applies_to: z.string(),
  alert_at: z.array(z.number().int()),
  /** Each limit, and the matching calls of its current period that have no scope value (in no budget of the rule). */
  limits: z.array(
    z.strictObject({
      period: z.enum(BUDGET_PERIODS),
      limit_usd: Usd,
      start: DateText,
      end: DateText,
      without_scope: CallsSchema.extend({ unpriced_requests: Count }),
    }),
  ),
  /** Sorted by % used (current period) descending, then scope, then period. */
  budgets: z.array(BudgetFiguresSchema),
});
export type BudgetRuleReport = z.infer<typeof BudgetRuleReportSchema>;

/** `costs budgets --format json`. */
export const BudgetReportSchema = z.strictObject({
  report_version: z.literal(1),
  at: DateText,
  /** The days with a day rollup. */
  data: z.strictObject({ first_day: DateText, last_day: DateText }),
  rules: z.array(BudgetRuleReportSchema),
});
export type BudgetReport = z.infer<typeof BudgetReportSchema>;
