import { z } from "zod";

/**
 * `<data>/restatements.json`: one entry per day whose totals a `costs restate` changed,
 * appended oldest first (restate/record-restatements.ts). A day restated twice has two
 * entries. `costs run` lists the whole file in `manifest.json` (`restatements`),
 * `costs site-data` shows it on the overview, and the ledger records old → new from it.
 * Money is exact decimal text with 9 places.
 */
const Money = z.string().regex(/^-?\d+\.\d{9}$/);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const DayTotalsSchema = z.object({
  rows: z.number().int().nonnegative(),
  cost_usd: Money,
  list_cost_usd: Money,
});

export const RestatementSchema = z.object({
  /** The UTC day restated. */
  date: Day,
  /** When it was restated (ISO 8601, UTC), from the command's clock. */
  restated_at: z.iso.datetime(),
  /** The day's totals before and after. */
  old: DayTotalsSchema,
  new: DayTotalsSchema,
  /** `pricing_version` of the day's rows before (several, comma-separated, if they differed) and after. */
  old_pricing_version: z.string(),
  new_pricing_version: z.string(),
  /** The git commit of the pricing used (`costs restate --pricing-commit`), null when not given. */
  pricing_commit: z.string().nullable(),
});

export const RestatementsSchema = z.array(RestatementSchema);

export type DayTotals = z.infer<typeof DayTotalsSchema>;
export type Restatement = z.infer<typeof RestatementSchema>;
