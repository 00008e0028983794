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
  "cache_write_1h_tokens",
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

/** Unit conversions of a mapped field: money in cents (to USD), timestamps as epoch numbers. */
export const MONEY_UNITS = ["cents"] as const;
export const EPOCH_UNITS = ["epoch_seconds", "epoch_ms", "epoch_us", "epoch_ns"] as const;
export type MappingUnit = (typeof MONEY_UNITS)[number] | (typeof EPOCH_UNITS)[number];

/** Canonical fields that take a unit, and the units each takes. */
const UNITS_OF_FIELD: Partial<Record<CanonicalField, ReadonlyArray<MappingUnit>>> = {
  reported_cost_usd: MONEY_UNITS,
  timestamp: EPOCH_UNITS,
};

const columnName = z.string({ error: "must be the name of an input column" }).min(1, { error: "must be the name of an input column" });
const constant = z.union([z.string(), z.number(), z.boolean()], { error: "must be text, a number or true/false" });

/**
 * The object form of a mapped field: where its value comes from (exactly one of `column`,
 * `template`, `value`) and how it is turned into the field's input value.
 */
export const FieldSourceSchema = z
  .strictObject({
    /** The input column, by its exact name (dots are part of the name; use `path` to go inside). */
    column: columnName.optional(),
    /** Keys to follow inside the column's value: an object, or text holding a JSON object/array or a ClickHouse map. */
    path: z
      .array(z.union([z.string().min(1), z.number().int().min(0)], { error: "must be a key (text) or a list index" }), {
        error: "must be a list of keys, e.g. [usage, prompt_tokens]",
      })
      .min(1, { error: "must name at least one key" })
      .optional(),
    /** Text with `{column}` placeholders (`{{` and `}}` for braces); absent when a column it names is absent. */
    template: z.string({ error: "must be text with {column} placeholders" }).optional(),
    /** A constant for every row. */
    value: constant.optional(),
    /** Replaces a value by exact text (numbers and booleans as written in JSON); others pass unchanged unless `default` is given. */
    map: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()], { error: "must be text, a number, true/false or null" }))
      .optional(),
    /** The value of a present value `map` has no key for. */
    default: z.union([z.string(), z.number(), z.boolean(), z.null()], { error: "must be text, a number, true/false or null" }).optional(),
    /** `cents` (reported_cost_usd) or `epoch_seconds` | `epoch_ms` | `epoch_us` | `epoch_ns` (timestamp). */
    unit: z.enum([...MONEY_UNITS, ...EPOCH_UNITS], { error: `must be one of ${[...MONEY_UNITS, ...EPOCH_UNITS].join(", ")}` }).optional(),
  })
  .check((ctx) => {
    const { column, template, value, path, map } = ctx.value;
    const origins = [column, template, value].filter((v) => v !== undefined).length;
    if (origins !== 1)
      ctx.issues.push({
        code: "custom",
        message: origins === 0 ? "needs one of `column`, `template` or `value`" : "takes only one of `column`, `template` or `value`",
        input: ctx.value,
      });
    if (path !== undefined && column === undefined)
      ctx.issues.push({ code: "custom", message: "`path` needs a `column` to read inside", input: path, path: ["path"] });
    if (ctx.value.default !== undefined && map === undefined)
      ctx.issues.push({ code: "custom", message: "`default` needs a `map`", input: ctx.value.default, path: ["default"] });
  });
export type FieldSource = z.infer<typeof FieldSourceSchema>;

/** What `--columns` does with a column that is neither read, ignored nor known to the base preset. */
export const UnknownColumnsSchema = z.enum(["misspellings", "reject", "warn"], {
  error: "must be `misspellings`, `reject` or `warn`",
});
export type UnknownColumns = z.infer<typeof UnknownColumnsSchema>;

/**
 * A custom column mapping (`--columns mapping.yaml`): which input column holds each
 * canonical field, on top of a built-in preset (docs/pipeline.md, "Column mappings").
 *
 * ```yaml
 * base: canonical            # optional: any built-in preset (default canonical)
 * columns:                   # canonical field: input column ("a.b" = key b of object column a)
 *   request_id: id
 *   input_tokens: usage.prompt_tokens
 *   model: { template: "{provider}/{model_group}" }
 *   region: { value: eastus }
 *   batch: { column: service_tier, map: { batch: true }, default: false }
 *   reported_cost_usd: { column: cost, unit: cents }
 *   cache_read_tokens: { column: metadata, path: [usage, cached_tokens] }
 * ignore: [request_tags]     # columns that are never taken for misspellings
 * unknown_columns: warn      # misspellings (default) | reject | warn
 * provider_aliases: { openai: openai-main }  # model openai/x is priced as openai-main/x
 * input_excludes_cache: false  # optional: true when input counts leave out cache reads/writes
 * ```
 */
export const ColumnMappingSchema = z.strictObject({
  // Any preset; over a native-format one the mapping reads the records its normaliser produces.
  base: PresetNameSchema.optional(),
  columns: z
    .record(
      z.string(),
      z.union([columnName, FieldSourceSchema], { error: "must be a column name or an object with `column`, `template` or `value`" }),
    )
    .check((ctx) => {
      for (const [key, source] of Object.entries(ctx.value)) {
        if (!CANONICAL_SET.has(key)) {
          ctx.issues.push({ code: "custom", message: `unknown canonical field \`${key}\``, input: source, path: [key] });
          continue;
        }
        if (typeof source === "string" || source.unit === undefined) continue;
        const units = UNITS_OF_FIELD[key as CanonicalField] ?? [];
        if (!units.includes(source.unit))
          ctx.issues.push({
            code: "custom",
            message: units.length === 0 ? `\`${key}\` takes no unit` : `\`${key}\` takes unit ${units.join(", ")}`,
            input: source.unit,
            path: [key, "unit"],
          });
      }
    })
    .default({}),
  ignore: z.array(columnName, { error: "must be a list of column names" }).optional(),
  unknown_columns: UnknownColumnsSchema.optional(),
  provider_aliases: z
    .record(
      z
        .string()
        .min(1)
        .regex(/^[^/]+$/, { error: "a provider name has no `/`" }),
      z
        .string({ error: "must be the name of an account in pricing/accounts/" })
        .min(1, { error: "must be the name of an account in pricing/accounts/" }),
    )
    .optional(),
  input_excludes_cache: z.boolean({ error: "must be true or false" }).optional(),
});
export type ColumnMapping = z.infer<typeof ColumnMappingSchema>;
