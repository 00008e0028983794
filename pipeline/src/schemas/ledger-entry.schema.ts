import { z } from "zod";
import { RelativePathSchema } from "./relative-path.schema.ts";

/** A UTC day, `YYYY-MM-DD`. */
export const DaySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a UTC day YYYY-MM-DD");
/** Money as the pipeline writes it: an exact decimal string with 9 decimals (nano-USD). */
export const UsdSchema = z.string().regex(/^-?\d+\.\d{9}$/, "must be a decimal with 9 places, e.g. 12.500000000");

/** The figures of a day the ledger compares: a day whose totals change is a restatement. */
export const LedgerTotalsSchema = z.object({
  rows: z.number().int().nonnegative(),
  cost_usd: UsdSchema,
  list_cost_usd: UsdSchema,
  unpriced_requests: z.number().int().nonnegative(),
});

/** One change of a recorded day's totals: what the ledger had (`old`) and what replaced it (`new`). */
export const LedgerRestatementSchema = z.object({
  /** ISO 8601: when the day was re-priced (`restatements.json`), or the run's `generated_at` for a re-run. */
  restated_at: z.string(),
  /** `restate`: `costs restate` re-priced it (an entry of `<data>/restatements.json`); `re-run`: accepted with `--accept-changes`. */
  reason: z.enum(["restate", "re-run"]),
  old: LedgerTotalsSchema,
  new: LedgerTotalsSchema,
  old_pricing_version: z.string(),
  new_pricing_version: z.string(),
  /** The commit of the pricing change that caused it, when known. */
  pricing_commit: z.string().nullable(),
});

/** A priced partition file of the day, as its rollup lists it. */
export const LedgerFileSchema = z.object({
  path: RelativePathSchema,
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

/**
 * `days/YYYY-MM-DD.json` on the ledger branch (`costs-ledger`): what was reported for one
 * day (gitops/ledger/). Written by `costs ledger record` with sorted keys; a day once
 * recorded is never removed: a day that later disappears from the data is marked
 * `dropped_at` (only with `--allow-missing-history`), a change of its totals is appended to
 * `restatements`.
 */
export const LedgerEntrySchema = z.object({
  ledger_version: z.literal(1),
  date: DaySchema,
  ...LedgerTotalsSchema.shape,
  pricing_version: z.string(),
  priced_files: z.array(LedgerFileSchema),
  /** sha256 of `rollups/date=YYYY-MM-DD.json` beside it (a byte copy of the run's rollup). */
  rollup_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** `generated_at` of the manifest of the run that first recorded the day. */
  first_recorded_at: z.string(),
  /** `generated_at` of the manifest of the run that last changed this entry. */
  recorded_at: z.string(),
  restatements: z.array(LedgerRestatementSchema),
  /** Set when a run published without this day (`--allow-missing-history`); removed when the day is back. */
  dropped_at: z.string().optional(),
});

export type LedgerTotals = z.infer<typeof LedgerTotalsSchema>;
export type LedgerRestatement = z.infer<typeof LedgerRestatementSchema>;
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;
