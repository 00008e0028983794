import { z } from "zod";
import { DaySchema, UsdSchema } from "./ledger-entry.schema.ts";

const RestatedTotalsSchema = z.object({ rows: z.number().int().nonnegative(), cost_usd: UsdSchema, list_cost_usd: UsdSchema });

/**
 * `<data>/restatements.json`, written by `costs restate` (issue 12's contract): one entry per
 * restated day, oldest first. `costs ledger record` reads it to put each restated day's
 * old → new totals and pricing commit into the day's ledger entry. Other fields pass.
 */
export const RestatementsFileSchema = z.array(
  z.object({
    date: DaySchema,
    restated_at: z.string(),
    old: RestatedTotalsSchema,
    new: RestatedTotalsSchema,
    old_pricing_version: z.string(),
    new_pricing_version: z.string(),
    pricing_commit: z.string().nullable(),
  }),
);

export type RestatementsFile = z.infer<typeof RestatementsFileSchema>;
