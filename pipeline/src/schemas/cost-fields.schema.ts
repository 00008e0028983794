import { z } from "zod";
import { MAX_RATE_DIGITS, MAX_RATE_SCALE } from "../lib/limits.ts";
import { decimalShape } from "../lib/decimal-text.ts";

/**
 * The cost fields shared by the public catalog (SPEC 4.1) and private price sheets
 * (SPEC 4.3). Rates are decimal text exactly as written in the YAML file (the loader
 * keeps number spellings such as `6.e-8`), never binary floats.
 */
export const RATE_FIELDS = [
  "input_cost_per_token",
  "output_cost_per_token",
  "cache_read_input_token_cost",
  "cache_creation_input_token_cost",
  "cache_creation_input_token_cost_above_1hr",
  "input_cost_per_token_batches",
  "output_cost_per_token_batches",
  "input_cost_per_audio_token",
  "output_cost_per_audio_token",
  "input_cost_per_request",
  "input_cost_per_image",
  "output_cost_per_image",
  "input_cost_per_character",
  "input_cost_per_second",
  "output_cost_per_second",
  "input_cost_per_query",
  "input_cost_per_page",
] as const;
export type RateField = (typeof RATE_FIELDS)[number];

export const TIER_COMPONENTS = ["input", "output", "cache_read", "cache_write"] as const;
export type TierComponent = (typeof TIER_COMPONENTS)[number];

/**
 * A rate: decimal text, not negative, below MAX_RATE_DIGITS (10^6 USD per unit: no price is
 * near it, and a typo such as `2.5e6` for `2.5e-6` is caught) with at most MAX_RATE_SCALE
 * decimal places (what `costs export-rates`' DECIMAL(38,24) holds).
 */
export const RateSchema = z.string({ error: "must be a number (USD per unit)" }).superRefine((text, ctx) => {
  const shape = decimalShape(text);
  if (shape === undefined) ctx.addIssue({ code: "custom", message: "must be a number (USD per unit)" });
  else if (shape.negative) ctx.addIssue({ code: "custom", message: "must not be negative" });
  else if (shape.integerDigits > MAX_RATE_DIGITS) {
    ctx.addIssue({
      code: "custom",
      message: `${text.trim().slice(0, 40)} USD per unit is too large: a rate must be below 1,000,000 USD per unit (check the exponent)`,
    });
  } else if (shape.scale > MAX_RATE_SCALE) {
    ctx.addIssue({
      code: "custom",
      message: `${text.trim().slice(0, 40)} has more than ${MAX_RATE_SCALE} decimal places, which no rate table holds exactly`,
    });
  }
});

const TierSchema = z.looseObject({
  from: z
    .string({ error: "must be a whole number of prompt tokens" })
    .regex(/^\d{1,15}$/, { message: "must be a whole number of prompt tokens (at most 15 digits)" })
    .transform(Number),
  cost_per_token: RateSchema,
});

const TierListSchema = z.array(TierSchema).superRefine((tiers, ctx) => {
  for (let i = 1; i < tiers.length; i++) {
    const previous = tiers[i - 1]!.from;
    if (tiers[i]!.from <= previous) {
      ctx.addIssue({
        code: "custom",
        path: [i, "from"],
        message: `tiers must be in ascending order of \`from\` (${tiers[i]!.from} comes after ${previous})`,
      });
    }
  }
});

export const TieredPricingSchema = z.looseObject({
  input: TierListSchema.optional(),
  output: TierListSchema.optional(),
  cache_read: TierListSchema.optional(),
  cache_write: TierListSchema.optional(),
  pricing_mode: z.enum(["cumulative", "marginal"]).optional(),
});
export type TieredPricing = z.infer<typeof TieredPricingSchema>;

const rateShape = Object.fromEntries(RATE_FIELDS.map((field) => [field, RateSchema.nullish()])) as {
  [K in RateField]: z.ZodOptional<z.ZodNullable<typeof RateSchema>>;
};
const costShape = { ...rateShape, tiered_pricing: TieredPricingSchema.optional() };

/** Catalog cost fields: unknown fields are kept and ignored (the upstream format grows). */
export const CatalogCostFieldsSchema = z.looseObject(costShape);
/** Private cost fields: hand-written, so an unknown field is most likely a typo. */
export const PrivateCostFieldsSchema = z.strictObject(costShape);
export type CostFields = z.infer<typeof CatalogCostFieldsSchema>;
