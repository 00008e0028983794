import { z } from "zod";
import { DaySchema, LedgerFileSchema, UsdSchema } from "./ledger-entry.schema.ts";

/**
 * The totals of a day rollup (`<data>/rollups/date=YYYY-MM-DD.json`, written by `costs
 * run`; history/day-rollup.ts adds its aggregates to this shape): what readers check and
 * the ledger records. The rest of the rollup passes untouched: the ledger keeps a byte copy
 * of the whole file.
 */
export const RollupTotalsSchema = z.object({
  /** history/day-rollup.ts DAY_ROLLUP_VERSION of the costs that wrote it (the ledger keeps older ones). */
  rollup_version: z.number().int().positive(),
  date: DaySchema,
  pricing_version: z.string(),
  rows: z.number().int().nonnegative(),
  cost_usd: UsdSchema,
  list_cost_usd: UsdSchema,
  unpriced_requests: z.number().int().nonnegative(),
  priced_files: z.array(LedgerFileSchema),
});

export type RollupTotals = z.infer<typeof RollupTotalsSchema>;
