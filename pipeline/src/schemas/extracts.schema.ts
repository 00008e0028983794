import { z } from "zod";
import { GROUP_FIELDS } from "./fields.ts";

export const GroupFieldSchema = z
  .string()
  .refine((f) => (GROUP_FIELDS as readonly string[]).includes(f) || /^metadata\.[^.\s][^\s]*$/.test(f), {
    message: `must be one of ${GROUP_FIELDS.join(", ")} or metadata.<key>`,
  });

/** `policies/extracts.yaml`: the nightly extracts finance downloads (SPEC 6). */
export const ExtractsSchema = z.strictObject({
  extracts: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: "must be kebab-case (a-z, 0-9, -): it names the output files" }),
        description: z.string().optional(),
        group_by: z.array(GroupFieldSchema).min(1),
        formats: z.array(z.enum(["csv", "parquet"])).default(["csv", "parquet"]),
        /** Start this extract's CSV with the UTF-8 byte order mark (default: `csv.bom`). */
        bom: z.boolean().optional(),
      }),
    )
    .default([]),
  /** CSV files the run writes (the extracts' and the FOCUS export's). */
  csv: z
    .strictObject({
      /** Start each CSV with the UTF-8 byte order mark, so Excel reads it as UTF-8 (default: no). */
      bom: z.boolean().default(false),
    })
    .default({ bom: false }),
  /** The FOCUS export (focus/focus.csv, focus.parquet). */
  focus: z
    .strictObject({
      /** Metadata keys whose values go into Tags (each a dimension of the FOCUS grain; default: none). */
      tags: z
        .array(
          z
            .string()
            .regex(/^[^.\s]+$/, { message: "a metadata key, without the `metadata.` prefix" })
            .refine((k) => !k.startsWith("costs/"), {
              message: "`costs/` starts the tags this tool sets (costs/team, …): list a metadata key",
            }),
        )
        .optional(),
    })
    .default({}),
  /** The report site: which metadata keys get a page and a cube column (default: the 8 most used). */
  site: z
    .strictObject({
      metadata_keys: z.array(z.string().regex(/^[^.\s]+$/, { message: "a metadata key, without the `metadata.` prefix" })).optional(),
    })
    .default({}),
});
export type Extracts = z.infer<typeof ExtractsSchema>;
export type ExtractSpec = Extracts["extracts"][number];
