import { z } from "zod";
import { RelativePathSchema } from "./relative-path.schema.ts";

/**
 * `<out>/.commit.json`: the commit point of a run (outputs/staging.ts). Written
 * once everything is staged; while it exists, `paths` are being moved from `staging` into
 * the output folder (each replaced path into `trash` first), in order, `manifest.json` last.
 * Whoever finds it with no live writer completes those moves (roll-forward).
 */
export const CommitJournalSchema = z.object({
  journal_version: z.literal(1),
  pid: z.number().int().positive(),
  hostname: z.string(),
  staging: z.string().regex(/^\.staging-[A-Za-z0-9_-]+$/),
  trash: z.string().regex(/^\.trash-[A-Za-z0-9_-]+$/),
  paths: z.array(RelativePathSchema).min(1),
});

export type CommitJournal = z.infer<typeof CommitJournalSchema>;
