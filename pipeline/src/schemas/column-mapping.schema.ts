import { z } from "zod";
import type { LogRow } from "./log-row.ts";

/** The canonical log fields of SPEC 3, in the order of its table. */
export const CANONICAL_FIELDS = [
  "request_id",
  "timestamp",
  "model",
  "region",
  "subject_type",
  "subject",
  "pat_name",
  "teams",
  "input_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "output_tokens",
  "reasoning_tokens",
  "input_audio_tokens",
  "output_audio_tokens",
  "input_images",
  "output_images",
  "input_characters",
  "input_seconds",
  "output_seconds",
  "queries",
  "pages",
  "batch",
  "service_tier",
  "status_code",
  "virtual_model",
  "metadata",
  "reported_cost_usd",
  "gateway_cache_hit",
  "calls",
] as const satisfies ReadonlyArray<keyof LogRow>;
export type CanonicalField = (typeof CANONICAL_FIELDS)[number];

// Compile-time check that the list names every LogRow field (fails to compile otherwise).
type AllListed<T extends never> = T;
type _CanonicalFieldsComplete = AllListed<Exclude<keyof LogRow, CanonicalField>>;

const CANONICAL_SET: ReadonlySet<string> = new Set(CANONICAL_FIELDS);

/** Built-in column presets of the ingest stage. */
export const PresetNameSchema = z.enum(
  ["canonical", "truefoundry", "anthropic", "litellm", "otel", "portkey", "openai-usage", "anthropic-usage"],
  {
    error: "must be `canonical`, `truefoundry`, `anthropic`, `litellm`, `otel`, `portkey`, `openai-usage` or `anthropic-usage`",
  },
);
export type PresetName = z.infer<typeof PresetNameSchema>;

/** The presets a custom mapping can build on: those that read columns (the others normalise a native shape first). */
export const MappingBaseSchema = z.enum(["canonical", "truefoundry", "anthropic"], {
  error: "must be `canonical`, `truefoundry` or `anthropic`",
});

/**
 * A custom column mapping (`--columns mapping.yaml`): which input column holds each
 * canonical field, on top of a built-in preset.
 *
 * ```yaml
 * base: canonical            # optional: canonical (default) | truefoundry | anthropic
 * columns:                   # canonical field: input column ("a.b" = key b of object column a)
 *   request_id: id
 *   input_tokens: usage.prompt_tokens
 * input_excludes_cache: false  # optional: true when input counts leave out cache reads/writes
 * ```
 */
export const ColumnMappingSchema = z.strictObject({
  base: MappingBaseSchema.optional(),
  columns: z
    .record(z.string(), z.string({ error: "must be the name of an input column" }).min(1, { error: "must be the name of an input column" }))
    .check((ctx) => {
      for (const key of Object.keys(ctx.value)) {
        if (!CANONICAL_SET.has(key)) {
          ctx.issues.push({ code: "custom", message: `unknown canonical field \`${key}\``, input: ctx.value[key], path: [key] });
        }
      }
    })
    .default({}),
  input_excludes_cache: z.boolean({ error: "must be true or false" }).optional(),
});
export type ColumnMapping = z.infer<typeof ColumnMappingSchema>;
