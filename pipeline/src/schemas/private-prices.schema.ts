import { z } from "zod";
import { parseTimestamp } from "../lib/parse-timestamp.ts";
import { PrivateCostFieldsSchema } from "./cost-fields.schema.ts";

const Instant = z
  .string({ error: "must be a UTC date (2026-01-01) or an ISO 8601 timestamp" })
  .refine((text) => parseTimestamp(text) !== undefined, {
    message: "must be a UTC date (2026-01-01) or an ISO 8601 timestamp",
  });

export const PrivatePriceSchema = z
  .strictObject({
    model: z.string({ error: "must be a gateway model name `<account>/<model>`" }).regex(/^[^/]+\/.+$/, {
      message: "must be a gateway model name `<account>/<model>`",
    }),
    effective_from: Instant,
    effective_to: Instant.nullish(),
    region: z.string().min(1).default("*"),
    costs: PrivateCostFieldsSchema.extend({ priority_pricing: PrivateCostFieldsSchema.optional() }),
    source: z.string({ error: "must say where this price comes from (contract, amendment, quote)" }).min(1),
  })
  .superRefine((price, ctx) => {
    if (price.effective_to == null) return;
    const from = parseTimestamp(price.effective_from)!;
    const to = parseTimestamp(price.effective_to);
    if (to !== undefined && to <= from) {
      ctx.addIssue({
        code: "custom",
        path: ["effective_to"],
        message: `must be after effective_from (${price.effective_from})`,
      });
    }
  });
export type PrivatePrice = z.infer<typeof PrivatePriceSchema>;

/** A private price sheet (SPEC 4.3): `pricing/private/*.yaml`. */
export const PrivatePriceSheetSchema = z.strictObject({
  prices: z.array(PrivatePriceSchema, { error: "must be a list of prices" }),
});
