import { z } from "zod";
import { RelativePathSchema } from "./relative-path.schema.ts";

/** One output file as `manifest.json` lists it (stages/write/index.ts `OutputFile`). */
const ListedFileSchema = z.object({
  path: RelativePathSchema,
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
});

/**
 * The part of `manifest.json` a reader checks against the files present
 * (outputs/check-manifest.ts): every output file it lists, and the days of
 * the dataset, which are exactly the `priced/date=…` partitions. Other fields pass through.
 */
export const ManifestListingSchema = z.object({
  dataset: z.object({ days: z.array(z.string()), rollup_only_days: z.array(z.string()).optional() }),
  outputs: z.object({
    priced: z.array(ListedFileSchema),
    rejects: ListedFileSchema.optional(),
    extracts: z.array(z.object({ files: z.array(ListedFileSchema) })),
    focus: z.object({ files: z.array(ListedFileSchema) }).optional(),
    restatements: ListedFileSchema.optional(),
  }),
});

export type ManifestListing = z.infer<typeof ManifestListingSchema>;
